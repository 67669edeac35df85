// Load and fault cases against the production builds (apps/api/dist, apps/web/.next/standalone), run one at a
// time by tests/load/run.sh:  node tests/load/load.mjs CASE
//   check        the builds exist, autocannon loads and there is a PostgreSQL for the API (exit 2: builds missing,
//                3: autocannon or PostgreSQL missing)
//   api-load     30 s at 100 connections on GET /notes: 0 errors, 0 non-2xx; RSS after warm-up and at the end
//   web-load     30 s at 100 connections on the standalone web server's / (one API call per request): the same,
//                and every page must show the notes (no "could not load" page served with 200)
//   api-drain    SIGTERM under 100 connections: every request sent before the signal ends 2xx, exit 0 in 15 s
//   web-drain    the same for the web server (start.mjs)
//   store-cap    NOTES_LIMIT=500, 5000 creates: exactly 500 kept, the rest 409 store_full JSON, RSS bounded,
//                /health still 200
// Figures go to stdout and, when LOAD_FIGURES names a file, are appended there (run.sh prints them at the end).
// Durations: LOAD_SECONDS (default 30) for the two long runs.
// All traffic goes to 127.0.0.1. Servers are started (on free ports) and stopped by @repo/test-support, which
// also kills them if this process dies; each case's API gets a new database on a throwaway PostgreSQL cluster
// (or on TEST_DATABASE_URL's server).
import { appendFileSync } from "node:fs";
import {
  cleanupAll,
  findPostgresBin,
  requireBuilt,
  startApi as startBuiltApi,
  startWeb as startBuiltWeb,
} from "@repo/test-support";
import {
  cannon,
  drainUnderLoad,
  floodCreates,
  fmtMB,
  fmtS,
  loadAutocannon,
  pageHasNotes,
  rssSampler,
  seedNotes,
} from "./lib.mjs";

const CONNECTIONS = 100;
const SECONDS = Number(process.env.LOAD_SECONDS || 30);
const WARM_SECONDS = 3;
const which = process.argv[2];

// Per-request log lines would dominate under load.
const startApi = (env = {}) => startBuiltApi({ env: { LOG_LEVEL: "silent", ...env } });
const startWeb = (apiUrl) => startBuiltWeb({ apiUrl });

const failures = [];
function expect(ok, what) {
  if (!ok) failures.push(what);
}
function report(line) {
  console.log(line);
  if (process.env.LOAD_FIGURES) appendFileSync(process.env.LOAD_FIGURES, `${line}\n`);
}

async function longRun(name, server, url, verifyBody) {
  const autocannon = await loadAutocannon();
  await cannon(autocannon, { url, connections: CONNECTIONS, durationS: WARM_SECONDS, verifyBody });
  const sampler = rssSampler(server.pid, 1000);
  const r = await cannon(autocannon, { url, connections: CONNECTIONS, durationS: SECONDS, verifyBody });
  const samples = sampler.stop();
  const warm = samples[0];
  const end = samples.at(-1);
  const peak = Math.max(...samples);
  report(
    `${name}: ${r.total} requests in ${r.durationS} s at ${CONNECTIONS} conns, ${r.rps.toFixed(0)} req/s, ` +
      `p50 ${r.p50} ms, p99 ${r.p99} ms; errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}, ` +
      `5xx ${r.s5xx}${verifyBody ? `, pages without notes ${r.mismatches}` : ""}; ` +
      `RSS after warm-up ${fmtMB(warm)}, at the end ${fmtMB(end)} (${((end / warm - 1) * 100).toFixed(1)} %), peak ${fmtMB(peak)}`,
  );
  expect(r.total > 0, "no request completed");
  expect(r.errors === 0, `${r.errors} errors`);
  expect(r.timeouts === 0, `${r.timeouts} timeouts`);
  expect(r.non2xx === 0, `${r.non2xx} non-2xx answers`);
  expect(r.s5xx === 0, `${r.s5xx} 5xx answers`);
  if (verifyBody) expect(r.mismatches === 0, `${r.mismatches} pages without the API's notes`);
}

async function drain(name, server, path, verify) {
  const r = await drainUnderLoad(server, {
    path,
    connections: CONNECTIONS,
    warmMs: 3000,
    boundMs: 15_000,
    verify,
  });
  report(
    `${name}: SIGTERM with ${r.inFlightAtSignal} requests in flight (after ${fmtS(r.warmedMs)} of load); exit ${r.exitCode ?? r.exitSignal} ` +
      `after ${fmtS(r.drainMs)}; sent before the signal: ${JSON.stringify(r.before)}; after it: ${JSON.stringify(r.after)}` +
      (r.unacceptedAtSignal
        ? `; ${r.unacceptedAtSignal} connections were never answered before the signal`
        : ""),
  );
  expect(r.exitCode === 0, `exit ${r.exitCode ?? r.exitSignal} (want 0 within 15 s)`);
  expect(r.drainMs !== undefined && r.drainMs <= 15_000, "did not exit within 15 s");
  expect(r.failedBefore === 0, `${r.failedBefore} requests sent before SIGTERM did not complete with 2xx`);
  expect(r.startedBefore > 0, "no request was sent before the signal");
}

async function storeCap() {
  const LIMIT = 500;
  const api = await startApi({ NOTES_LIMIT: String(LIMIT) });
  const initial = (await (await fetch(`${api.url}/notes`)).json()).notes.length;
  const r = await floodCreates(api, { total: 5000, concurrency: 50 });
  const kept = (await (await fetch(`${api.url}/notes`)).json()).notes.length;
  const health = await fetch(`${api.url}/health`);
  report(
    `store-cap: NOTES_LIMIT=${LIMIT}, ${r.total} creates in ${fmtS(r.ms)} (50 at a time): answers ${JSON.stringify(r.statuses)}, ` +
      `socket errors ${r.errors.length}; kept ${kept} (${initial} there at start); RSS when full ${fmtMB(r.rssWhenFull)}, ` +
      `at the end ${fmtMB(r.rssEnd)}; /health ${health.status}`,
  );
  expect(kept === LIMIT, `kept ${kept} notes, want exactly ${LIMIT}`);
  expect(r.statuses[201] === LIMIT - initial, `${r.statuses[201]} created, want ${LIMIT - initial}`);
  expect(
    r.statuses[409] === r.total - (LIMIT - initial),
    `${r.statuses[409]} answered 409, want ${r.total - (LIMIT - initial)}`,
  );
  expect(
    Object.keys(r.statuses).every((s) => s === "201" || s === "409"),
    `unexpected statuses ${JSON.stringify(r.statuses)}`,
  );
  expect(
    r.badRefusals.length === 0,
    `409s without store_full JSON: ${r.badRefusals.slice(0, 3).join(" | ")}`,
  );
  expect(r.errors.length === 0, `socket errors: ${r.errors.slice(0, 5).join(", ")}`);
  expect(
    r.rssWhenFull !== undefined && r.rssEnd < 2 * r.rssWhenFull,
    "RSS at the end is 2× or more the RSS when the store filled",
  );
  expect(health.status === 200, `/health answered ${health.status}`);
  const exit = await api.stop();
  expect(exit.code === 0, `exit ${exit.code} after SIGTERM`);
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
      const exit = await api.stop();
      expect(exit.code === 0, `exit ${exit.code} after SIGTERM`);
      return;
    }
    case "web-load": {
      const api = await startApi();
      await seedNotes(api.url, 20);
      const web = await startWeb(api.url);
      await longRun("web-load GET /", web, `${web.url}/`, pageHasNotes);
      const exit = await web.stop();
      await api.stop();
      expect(exit.code === 0, `exit ${exit.code} after SIGTERM`);
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
    case "store-cap":
      return storeCap();
    default:
      console.error("usage: node tests/load/load.mjs check|api-load|web-load|api-drain|web-drain|store-cap");
      process.exit(64);
  }
}

// A hard bound on any case, whatever hangs.
const watchdog = setTimeout(() => {
  console.error(`load tests: ${which} still running after 120 s; giving up`);
  process.exit(1); // the registry's exit handler stops what is still running
}, 120_000);
watchdog.unref();

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
