// Load and fault cases against the production builds (apps/api/dist, apps/web/.next/standalone), run one at a
// time by proof/load/run.sh:  node proof/load/load.mjs CASE
//   check              the builds exist, autocannon loads and there is a PostgreSQL for the API (exit 2: builds
//                      missing, 3: autocannon or PostgreSQL missing)
//   api-load           LOAD_SECONDS at CONNECTIONS on GET /notes: no errors, no timeouts, no non-2xx
//   web-load           the same on the standalone web server's / (one API call per request), and every page shows
//                      the notes (no "could not load" page served with 200)
//   api-drain          SIGTERM under load: every request sent before the signal ends 2xx, exit 0
//   web-drain          the same for the web server (start.mjs)
//   api-writes-drain   SIGTERM while 50 keep-alive clients create notes, SHUTDOWN_DELAY_MS=0 and =1500: every
//   web-writes-drain   note in the database was acknowledged to its client, every acknowledged one is there, exit 0
//                      (the web variant writes as the page's form does: `webWriter` in lib.mjs)
//   api-creates        a flood of creates: every one answered 201 and in the database, no errors
// Outcomes are asserted; latency, throughput and memory are printed as figures (stdout and, when LOAD_FIGURES names
// a file, appended there; run.sh prints them at the end), never judged: a busy machine changes them, not the
// outcome. Budgets belong in `pnpm bench`.
// All traffic goes to 127.0.0.1. Servers and the PostgreSQL cluster are started (on free ports) and stopped by
// proof/support, which also removes them if this process dies.
import { appendFileSync } from "node:fs";
import {
  cleanupAll,
  findPostgresBin,
  requireBuilt,
  startApi as startBuiltApi,
  startWeb as startBuiltWeb,
  testDatabaseUrl,
} from "../support/index.mjs";
import {
  cannon,
  compareWrites,
  drainUnderLoad,
  fmtMB,
  fmtS,
  loadAutocannon,
  now,
  pageHasNotes,
  request,
  rss,
  rssSampler,
  seedNotes,
  storedTexts,
  webWriter,
  writesUnderDrain,
} from "./lib.mjs";

/**
 * What two busy shared cores sustain with room to spare, so a timeout means stuck, not slow. LOAD_CONNECTIONS
 * raises it to measure memory under heavier load (docs/deploy.md's figures: 100 connections for 30 s).
 */
// eslint-disable-next-line turbo/no-undeclared-env-vars -- run by proof/load/run.sh, not a turbo task
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS || 16);
const REQUEST_TIMEOUT_S = 30;
// eslint-disable-next-line turbo/no-undeclared-env-vars -- run by proof/load/run.sh, not a turbo task
const SECONDS = Number(process.env.LOAD_SECONDS || 20);
const WARM_SECONDS = 3;
const which = process.argv[2];

// Per-request log lines would dominate under load.
const startApi = (env = {}) => startBuiltApi({ env: { LOG_LEVEL: "silent", ...env } });
const startWeb = (apiUrl, env = {}) => startBuiltWeb({ apiUrl, env });

/** One create on the API: the same contract as webWriter (lib.mjs). */
const apiWrite = (apiUrl) => async (agent, text) => {
  const res = await request(`${apiUrl}/notes`, { agent, method: "POST", json: { text }, timeoutMs: 60_000 });
  return res.status === 201;
};

const failures = [];
function expect(ok, what) {
  if (!ok) failures.push(what);
}
// eslint-disable-next-line turbo/no-undeclared-env-vars -- run by proof/load/run.sh, not a turbo task
const FIGURES = process.env.LOAD_FIGURES;
function report(line) {
  console.log(line);
  if (FIGURES) appendFileSync(FIGURES, `${line}\n`);
}

async function longRun(name, server, url, verifyBody) {
  const autocannon = await loadAutocannon();
  const opts = { url, connections: CONNECTIONS, timeoutS: REQUEST_TIMEOUT_S, verifyBody };
  await cannon(autocannon, { ...opts, durationS: WARM_SECONDS });
  const sampler = rssSampler(server.pid, 1000);
  const r = await cannon(autocannon, { ...opts, durationS: SECONDS });
  const samples = sampler.stop();
  report(
    `${name}: ${r.total} requests in ${r.durationS} s at ${CONNECTIONS} conns, ${r.rps.toFixed(0)} req/s, ` +
      `p50 ${r.p50} ms, p99 ${r.p99} ms; errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}, ` +
      `5xx ${r.s5xx}${verifyBody ? `, pages without notes ${r.mismatches}` : ""}; ` +
      `RSS after warm-up ${fmtMB(samples[0])}, at the end ${fmtMB(samples.at(-1))}, peak ${fmtMB(Math.max(...samples))}`,
  );
  expect(r.total > 0, "no request completed");
  expect(r.errors === 0, `${r.errors} errors`);
  expect(r.timeouts === 0, `${r.timeouts} requests unanswered after ${REQUEST_TIMEOUT_S} s`);
  expect(r.non2xx === 0, `${r.non2xx} non-2xx answers`);
  expect(r.s5xx === 0, `${r.s5xx} 5xx answers`);
  if (verifyBody) expect(r.mismatches === 0, `${r.mismatches} pages without the API's notes`);
}

async function drain(name, server, path, verify) {
  const r = await drainUnderLoad(server, { path, connections: 50, warmMs: 2000, boundMs: 60_000, verify });
  report(
    `${name}: SIGTERM with ${r.inFlightAtSignal} requests in flight (after ${fmtS(r.warmedMs)} of load); exit ${r.exitCode ?? r.exitSignal} ` +
      `after ${fmtS(r.drainMs)}; sent before the signal: ${JSON.stringify(r.before)}; after it: ${JSON.stringify(r.after)}` +
      (r.unacceptedAtSignal
        ? `; ${r.unacceptedAtSignal} connections were never answered before the signal`
        : ""),
  );
  expect(r.exitCode === 0, `exit ${r.exitCode ?? r.exitSignal}, want 0`);
  expect(r.failedBefore === 0, `${r.failedBefore} requests sent before SIGTERM did not complete with 2xx`);
  expect(r.startedBefore > 0, "no request was sent before the signal");
}

/** SIGTERM while 50 keep-alive clients write: what the database holds is exactly what clients were told. */
async function writesDrain(name, { through }) {
  for (const delayMs of [0, 1500]) {
    const databaseUrl = await testDatabaseUrl();
    const env = { SHUTDOWN_DELAY_MS: String(delayMs) };
    const api = await startApi({ DATABASE_URL: databaseUrl, ...(through === "api" ? env : {}) });
    const web = through === "web" ? await startWeb(api.url, env) : undefined;
    const server = web ?? api;
    const write = through === "web" ? webWriter(server.url) : apiWrite(server.url);
    const r = await writesUnderDrain(server, { write, clients: 50 });
    const stored = (await storedTexts(databaseUrl)).filter((text) => text.startsWith("drain write "));
    const { phantoms, lost } = compareWrites({ acknowledged: r.acknowledged, stored });
    report(
      `${name} (SHUTDOWN_DELAY_MS=${delayMs}): SIGTERM with ${r.inFlightAtSignal} writes in flight; exit ${r.exitCode ?? r.exitSignal} ` +
        `after ${fmtS(r.drainMs)}; before the signal: ${JSON.stringify(r.tally.before)}; after it: ${JSON.stringify(r.tally.after)}; ` +
        `${stored.length} stored, ${r.acknowledged.length} acknowledged, ${phantoms.length} stored but not acknowledged, ${lost.length} acknowledged but not stored`,
    );
    const at = `SHUTDOWN_DELAY_MS=${delayMs}`;
    expect(
      r.warmed === 50,
      `${at}: only ${r.warmed} of 50 clients had a write acknowledged before the signal`,
    );
    expect(r.inFlightAtSignal > 0, `${at}: no write was in flight at the signal`);
    expect(r.exitCode === 0, `${at}: exit ${r.exitCode ?? r.exitSignal}, want 0`);
    expect(
      phantoms.length === 0,
      `${at}: ${phantoms.length} notes stored whose client got no acknowledgement (e.g. ${phantoms.slice(0, 3).join(", ")})`,
    );
    expect(
      lost.length === 0,
      `${at}: ${lost.length} acknowledged notes missing (e.g. ${lost.slice(0, 3).join(", ")})`,
    );
    if (web) expect((await api.stop()).code === 0, `${at}: the API did not exit 0`);
  }
}

/** A flood of creates, `concurrency` at a time: every one 201 and in the database. */
async function creates({ total = 900, concurrency = CONNECTIONS }) {
  const databaseUrl = await testDatabaseUrl();
  const api = await startApi({ DATABASE_URL: databaseUrl });
  const write = apiWrite(api.url);
  const { Agent } = await import("node:http");
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const acknowledged = [];
  const outcomes = {};
  let sent = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        const text = `flood note ${++sent}`;
        let outcome;
        try {
          outcome = (await write(agent, text)) ? "201" : "refused";
        } catch (err) {
          outcome = err.code || err.message;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (outcome === "201") acknowledged.push(text);
      }
    }),
  );
  const ms = now() - started;
  const rssEnd = rss(api.pid);
  agent.destroy();
  const stored = (await storedTexts(databaseUrl)).filter((text) => text.startsWith("flood note "));
  const { phantoms, lost } = compareWrites({ acknowledged, stored });
  report(
    `api-creates: ${total} creates, ${concurrency} at a time, in ${fmtS(ms)} (${((total / ms) * 1000).toFixed(0)}/s): ` +
      `${JSON.stringify(outcomes)}; ${stored.length} stored; RSS at the end ${fmtMB(rssEnd)}`,
  );
  expect(outcomes["201"] === total, `${total - (outcomes["201"] ?? 0)} creates not answered 201`);
  expect(stored.length === total, `${stored.length} notes stored, want ${total}`);
  expect(phantoms.length === 0 && lost.length === 0, `${phantoms.length} phantoms, ${lost.length} lost`);
  expect((await api.stop()).code === 0, "the API did not exit 0 after SIGTERM");
}

async function main() {
  switch (which) {
    case "check": {
      try {
        requireBuilt();
      } catch (err) {
        console.error(`load tests: ${err.message} (the verify runner builds before this suite)`);
        process.exit(2);
      }
      try {
        await loadAutocannon();
      } catch (err) {
        console.error(`load tests: ${err.message}`);
        process.exit(3);
      }
      if (!process.env.TEST_DATABASE_URL && !findPostgresBin()) {
        console.error("load tests: PostgreSQL not found (set TEST_DATABASE_URL or PG_BIN, or install it)");
        process.exit(3);
      }
      return;
    }
    case "api-load": {
      const api = await startApi();
      await seedNotes(api.url, 20);
      await longRun("api-load GET /notes", api, `${api.url}/notes`);
      expect((await api.stop()).code === 0, "the API did not exit 0 after SIGTERM");
      return;
    }
    case "web-load": {
      const api = await startApi();
      await seedNotes(api.url, 20);
      const web = await startWeb(api.url);
      await longRun("web-load GET /", web, `${web.url}/`, pageHasNotes);
      expect((await web.stop()).code === 0, "the web server did not exit 0 after SIGTERM");
      await api.stop();
      return;
    }
    case "api-drain": {
      const api = await startApi();
      await seedNotes(api.url, 20);
      await drain("api-drain", api, "/notes");
      return;
    }
    case "web-drain": {
      const api = await startApi();
      await seedNotes(api.url, 20);
      const web = await startWeb(api.url);
      await drain("web-drain", web, "/", pageHasNotes);
      await api.stop();
      return;
    }
    case "api-writes-drain":
      return writesDrain("api-writes-drain", { through: "api" });
    case "web-writes-drain":
      return writesDrain("web-writes-drain", { through: "web" });
    case "api-creates":
      return creates({});
    default:
      console.error(
        "usage: node proof/load/load.mjs check|api-load|web-load|api-drain|web-drain|api-writes-drain|web-writes-drain|api-creates",
      );
      process.exit(64);
  }
}

try {
  await main();
} catch (err) {
  failures.push(String(err?.stack ?? err));
} finally {
  await cleanupAll();
}
if (failures.length) {
  for (const f of failures) console.error(`FAILED: ${f}`);
  process.exit(1);
}
