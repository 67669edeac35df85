#!/usr/bin/env node
// `pnpm bench`: speed and size of nix-sample, each figure beside its reference and its target (issue 5).
// Prints a table and writes bench/results.json. See docs/BENCHMARKS.md for what each figure means.
//
//   pnpm bench                 full run (about 5 minutes on 2 cores)
//   pnpm bench -- --quick      shorter loads and single runs (about 3 minutes), for trying the bench itself
//   pnpm bench -- --only=api,rss   run some sections: install,build,dev,weight,payload,api,rss,drain
//   pnpm bench -- --keep       keep the temp copy of the repo (its path is printed)
//
// Install, builds and `pnpm dev` run in a temp copy of the tracked files (never in this work tree); weight,
// payload and the load sections measure that copy's build. All traffic goes to 127.0.0.1. Needs autocannon
// (a root devDependency).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { cannon, drainUnderLoad, loadAutocannon, pageHasNotes, rssSampler } from "./lib/load.mjs";
import { fmtKB, fmtMB, fmtS, median, now, repoRoot, run, sleep } from "./lib/proc.mjs";
import {
  killAll,
  paths,
  seedNotes,
  startApi,
  startBare,
  startNextStandalone,
  startWeb,
} from "./lib/servers.mjs";
import { apiPayload, pageWeight, webPayload } from "./lib/weight.mjs";
import {
  buildBareNext,
  copyWorkspace,
  measureBuild,
  measureDev,
  measureInstall,
  quietEnv,
} from "./lib/workspace.mjs";

const SECTIONS = ["install", "build", "dev", "weight", "payload", "api", "rss", "drain"];
const args = process.argv.slice(2).filter((a) => a !== "--");
const quick = args.includes("--quick");
const keep = args.includes("--keep");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
for (const a of args)
  if (!["--quick", "--keep"].includes(a) && !a.startsWith("--only=")) {
    console.error(
      `bench: unknown option ${a}\nusage: pnpm bench [-- --quick] [--only=${SECTIONS.join(",")}] [--keep]`,
    );
    process.exit(2);
  }
if (only?.some((s) => !SECTIONS.includes(s))) {
  console.error(`bench: --only takes ${SECTIONS.join(",")}`);
  process.exit(2);
}
const want = (s) => !only || only.includes(s);

// Runs, durations and connections. The 30 s RSS runs are the issue's; the rest is sized to keep the full
// run under 6 minutes on 2 cores.
const P = quick
  ? {
      installRuns: 1,
      coldRuns: 1,
      replayRuns: 3,
      devRuns: 1,
      apiRounds: 1,
      apiSeconds: 3,
      warmSeconds: 1,
      rssSeconds: 5,
      rssWarmSeconds: 2,
      drainRuns: 1,
      drainWarmMs: 2000,
    }
  : {
      installRuns: 3,
      coldRuns: 2,
      replayRuns: 3,
      devRuns: 3,
      apiRounds: 3,
      apiSeconds: 8,
      warmSeconds: 2,
      rssSeconds: 30,
      rssWarmSeconds: 5,
      drainRuns: 3,
      drainWarmMs: 3000,
    };
const CONNECTIONS = 100;
const NOTES = 20;

const started = now();
const figures = [];
const details = {};
const problems = [];
/** One row of the table. `pass` is undefined for information without a target. */
function figure(id, name, value, shown, target, pass, note) {
  figures.push({ id, name, value, shown, target, pass, note });
}
const log = (msg) =>
  process.stderr.write(`bench: [${((now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}\n`);

async function section(name, fn) {
  if (!want(name)) return;
  log(`${name}...`);
  try {
    await fn();
  } catch (err) {
    problems.push({ section: name, error: String(err?.stack ?? err).slice(0, 4000) });
    log(`${name} FAILED: ${String(err?.message ?? err).split("\n")[0]}`);
    figure(
      name,
      `${name} (section failed)`,
      undefined,
      "error",
      "-",
      false,
      String(err?.message ?? err).split("\n")[0],
    );
  } finally {
    killAll();
  }
}

const tempDirs = [];
function cleanup() {
  killAll();
  if (!keep) for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"])
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });

// ---- machine -------------------------------------------------------------------------------------------------
const catalog = readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8");
const catalogVersion = (name) => new RegExp(`^\\s+"?${name}"?:\\s*([^\\s#]+)`, "m").exec(catalog)?.[1];
const versions = {
  next: catalogVersion("next"),
  react: catalogVersion("react"),
  "react-dom": catalogVersion("react-dom"),
};
const machine = {
  cores: os.availableParallelism(),
  cpu: os.cpus()[0]?.model,
  memGB: Math.round(os.totalmem() / 1e9),
  node: process.version,
  pnpm: (await run("pnpm", ["--version"], { env: quietEnv })).out.trim(),
  os: `${os.type()} ${os.release()}`,
  loadavgStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
};
log(
  `machine: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, pnpm ${machine.pnpm}, load ${machine.loadavgStart.join(" ")}`,
);

// ---- the copy of the repo that install/build/dev and everything after measure ------------------------------
const needsCopy = SECTIONS.some((s) => want(s));
let ws;
if (needsCopy) {
  ws = await copyWorkspace();
  tempDirs.push(ws.dir);
  log(`copied ${ws.files} tracked files to ${ws.dir}`);
}

await section("install", async () => {
  const r = await measureInstall(ws.dir, P.installRuns);
  details.install = r;
  figure(
    "install",
    `pnpm install --frozen-lockfile ${r.mode}, warm store (median of ${r.times.length})`,
    r.median,
    fmtS(r.median),
    "≤ 3 s",
    r.median <= 3000,
  );
});

// Everything after install needs node_modules in the copy (a no-op when install already ran).
if (needsCopy && !want("install"))
  await run("pnpm", ["install", "--frozen-lockfile", "--offline"], { cwd: ws.dir, env: quietEnv });

await section("build", async () => {
  const r = await measureBuild(ws.dir, P.coldRuns, P.replayRuns);
  details.build = r;
  figure(
    "build.cold",
    `pnpm turbo run build --force, no cache/.next/dist (median of ${r.cold.length})`,
    r.coldMedian,
    fmtS(r.coldMedian),
    "-",
    undefined,
  );
  figure(
    "build.replay",
    `pnpm build, no change: FULL TURBO replay (median of ${r.replay.length}; turbo's own ${Math.round(r.replayTurboMedian)} ms)`,
    r.replayMedian,
    fmtS(r.replayMedian),
    "≤ 1 s",
    r.replayMedian <= 1000,
  );
  const ratio = r.replayMedian / r.coldMedian;
  figure("build.ratio", "replay / cold", ratio, `${(ratio * 100).toFixed(1)} %`, "-", undefined);
});

// Later sections need a build in the copy; build it once if the build section didn't run.
const p = ws ? paths(ws.dir) : undefined;
if (ws && !want("build") && SECTIONS.slice(2).some(want))
  await run("pnpm", ["build"], { cwd: ws.dir, env: quietEnv, timeoutMs: 300_000 });

await section("dev", async () => {
  const r = await measureDev(ws.dir, P.devRuns);
  details.dev = r;
  const each = r.runs.map((x) => fmtS(x.pageMs)).join(", ");
  figure(
    "dev.servers",
    `pnpm dev: both servers answering (median of ${r.runs.length})`,
    r.serversMedian,
    fmtS(r.serversMedian),
    "-",
    undefined,
  );
  figure(
    "dev.page",
    `pnpm dev: page rendered with API data (median of ${r.runs.length}: ${each})`,
    r.pageMedian,
    fmtS(r.pageMedian),
    "≤ 5 s",
    r.pageMedian <= 5000,
  );
});

await section("weight", async () => {
  const bareApp = await buildBareNext(versions);
  tempDirs.push(bareApp.dir);
  const api = await startApi(ws.dir);
  const web = await startWeb(api.url, ws.dir);
  const bare = await startNextStandalone(bareApp.serverJs);
  const ours = await pageWeight(web.url);
  const ref = await pageWeight(bare.url);
  details.weight = {
    ours,
    bare: ref,
    bareApp: { installMs: bareApp.installMs, buildMs: bareApp.buildMs, versions },
  };
  const extra = ours.gzip - ref.gzip;
  figure(
    "weight.ours",
    `web / : JS chunks (${ours.count}), gzip`,
    ours.gzip,
    fmtKB(ours.gzip),
    "-",
    undefined,
  );
  figure(
    "weight.bare",
    `bare Next ${versions.next} page: JS chunks (${ref.count}), gzip`,
    ref.gzip,
    fmtKB(ref.gzip),
    "-",
    undefined,
  );
  figure(
    "weight.extra",
    "web / minus bare page",
    extra,
    `${extra >= 0 ? "+" : ""}${(extra / 1000).toFixed(2)} kB`,
    "≤ +3 kB",
    extra <= 3000,
  );
});

await section("payload", async () => {
  const web = webPayload(p.webStandalone);
  const api = apiPayload(p.apiDist);
  details.payload = { web, api };
  const b = web.parts;
  figure(
    "payload.web",
    `web image tree (.next/standalone): next ${fmtMB(b.next)}, react ${fmtMB(b.react)}, app ${fmtMB(b.app)}, other ${fmtMB(b.otherDeps + b.rest)}${web.sharp ? ", HAS SHARP" : ""}`,
    web.total,
    fmtMB(web.total),
    "≤ 20 MB",
    web.total <= 20e6,
  );
  figure(
    "payload.api",
    `API image tree (dist, copied whole): bundle ${fmtMB(api.files["index.mjs"])}, source map ${fmtMB(api.maps)}`,
    api.total,
    fmtMB(api.total),
    "≤ 2 MB",
    api.total <= 2e6,
    "includes the source map the image copies",
  );
  figure(
    "payload.api.nomap",
    "API dist without the source map",
    api.withoutMaps,
    fmtMB(api.withoutMaps),
    "-",
    undefined,
  );
});

let autocannon;
if (want("api") || want("rss")) autocannon = await loadAutocannon();

await section("api", async () => {
  const api = await startApi(ws.dir);
  const body = await seedNotes(api.url, NOTES);
  const bodyFile = join(ws.dir, "bench-notes.json");
  writeFileSync(bodyFile, body);
  const bare = await startBare(bodyFile);
  const apiUrl = `${api.url}/notes`;
  const bareUrl = `${bare.url}/notes`;
  await cannon(autocannon, { url: apiUrl, connections: CONNECTIONS, durationS: P.warmSeconds });
  await cannon(autocannon, { url: bareUrl, connections: CONNECTIONS, durationS: P.warmSeconds });
  const rounds = [];
  for (let i = 0; i < P.apiRounds; i++) {
    const a = await cannon(autocannon, { url: apiUrl, connections: CONNECTIONS, durationS: P.apiSeconds });
    const b = await cannon(autocannon, { url: bareUrl, connections: CONNECTIONS, durationS: P.apiSeconds });
    rounds.push({ api: a, bare: b });
    log(
      `  round ${i + 1}: api ${a.rps.toFixed(0)} req/s p99 ${a.p99} ms, bare ${b.rps.toFixed(0)} req/s p99 ${b.p99} ms`,
    );
  }
  await Promise.all([api.stop(), bare.stop()]);
  const apiRps = median(rounds.map((r) => r.api.rps));
  const bareRps = median(rounds.map((r) => r.bare.rps));
  const p99 = median(rounds.map((r) => r.api.p99));
  const bareP99 = median(rounds.map((r) => r.bare.p99));
  const errs = rounds.reduce((n, r) => n + r.api.errors + r.api.non2xx + r.api.timeouts, 0);
  details.api = {
    notes: NOTES,
    bodyBytes: body.length,
    connections: CONNECTIONS,
    seconds: P.apiSeconds,
    rounds,
  };
  figure(
    "api.rps",
    `API GET /notes (${NOTES} notes, ${body.length} B), ${CONNECTIONS} conns, median of ${rounds.length}×${P.apiSeconds} s`,
    apiRps,
    `${apiRps.toFixed(0)} req/s`,
    "-",
    undefined,
  );
  figure(
    "api.bare",
    "bare node:http, same JSON, same load",
    bareRps,
    `${bareRps.toFixed(0)} req/s (p99 ${bareP99} ms)`,
    "-",
    undefined,
  );
  figure(
    "api.ratio",
    "API / bare throughput",
    apiRps / bareRps,
    `${(apiRps / bareRps).toFixed(2)}`,
    "≥ 0.6",
    apiRps / bareRps >= 0.6,
  );
  figure("api.p99", `API p99 latency at ${CONNECTIONS} connections`, p99, `${p99} ms`, "≤ 20 ms", p99 <= 20);
  figure("api.errors", "API errors + timeouts + non-2xx", errs, String(errs), "0", errs === 0);
});

/** RSS after a warm-up, then through a long run at 100 connections. */
async function rssRun(server, url, verifyBody) {
  await cannon(autocannon, { url, connections: CONNECTIONS, durationS: P.rssWarmSeconds, verifyBody });
  const sampler = rssSampler(server.pid, 1000);
  const load = await cannon(autocannon, {
    url,
    connections: CONNECTIONS,
    durationS: P.rssSeconds,
    verifyBody,
  });
  const samples = sampler.stop();
  const warm = samples[0].rss;
  const end = samples.at(-1).rss;
  return { warm, end, peak: Math.max(...samples.map((s) => s.rss)), growth: end / warm - 1, load };
}

await section("rss", async () => {
  const api = await startApi(ws.dir);
  await seedNotes(api.url, NOTES);
  const a = await rssRun(api, `${api.url}/notes`);
  const web = await startWeb(api.url, ws.dir);
  const w = await rssRun(web, `${web.url}/`, pageHasNotes);
  await Promise.all([web.stop(), api.stop()]);
  details.rss = { seconds: P.rssSeconds, api: a, web: w };
  for (const [id, name, r] of [
    ["api", "API", a],
    ["web", "web", w],
  ]) {
    const bad = r.load.errors + r.load.timeouts + r.load.non2xx + r.load.mismatches;
    figure(
      `rss.${id}`,
      `${name} RSS over ${r.load.durationS.toFixed(0)} s at ${CONNECTIONS} conns: ${fmtMB(r.warm)} → ${fmtMB(r.end)} (peak ${fmtMB(r.peak)})`,
      r.growth,
      `${r.growth >= 0 ? "+" : ""}${(r.growth * 100).toFixed(1)} %`,
      "< +20 %",
      r.growth < 0.2,
    );
    figure(
      `rss.${id}.load`,
      `${name} during that run: ${r.load.rps.toFixed(0)} req/s, p99 ${r.load.p99} ms; errors/timeouts/non-2xx/bad bodies`,
      bad,
      `${r.load.errors}/${r.load.timeouts}/${r.load.non2xx}/${r.load.mismatches}`,
      "0",
      bad === 0,
    );
  }
});

await section("drain", async () => {
  const runs = { api: [], web: [] };
  for (let i = 0; i < P.drainRuns; i++) {
    const api = await startApi(ws.dir);
    await seedNotes(api.url, NOTES);
    runs.api.push(
      await drainUnderLoad(api, { path: "/notes", connections: CONNECTIONS, warmMs: P.drainWarmMs }),
    );
    const upstream = await startApi(ws.dir);
    await seedNotes(upstream.url, NOTES);
    const web = await startWeb(upstream.url, ws.dir);
    runs.web.push(
      await drainUnderLoad(web, {
        path: "/",
        connections: CONNECTIONS,
        warmMs: P.drainWarmMs,
        verify: pageHasNotes,
      }),
    );
    await upstream.stop();
  }
  details.drain = runs;
  for (const id of ["api", "web"]) {
    const rs = runs[id];
    const ms = median(rs.map((r) => r.drainMs));
    const allOk = rs.every((r) => r.ok);
    const failed = rs.reduce((n, r) => n + r.failedBefore, 0);
    const inflight = median(rs.map((r) => r.inFlightAtSignal));
    figure(
      `drain.${id}`,
      `${id} SIGTERM under ${CONNECTIONS} conns → exit (median of ${rs.length}; exits ${rs.map((r) => r.exitCode).join(",")}; ~${inflight} in flight)`,
      ms,
      fmtS(ms),
      "≤ 10 s",
      ms <= 10_000 && rs.every((r) => r.exitCode === 0),
    );
    figure(
      `drain.${id}.lost`,
      `${id} requests sent before SIGTERM that did not end 2xx`,
      failed,
      String(failed),
      "0",
      allOk && failed === 0,
    );
  }
});

// ---- report ------------------------------------------------------------------------------------------------
machine.loadavgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
const totalMs = now() - started;
cleanup();

const rows = figures.map((f) => [
  f.name,
  f.shown,
  f.target,
  f.pass === undefined ? "" : f.pass ? "pass" : "MISS",
]);
const head = ["figure", "value", "target", ""];
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => c.padEnd(width[i])).join(" | ")} |`;
console.log(
  `\nnix-sample bench, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC${quick ? " (--quick)" : ""}`,
);
console.log(
  `machine: ${machine.cores} cores, ${machine.cpu}, ${machine.memGB} GB, ${machine.os}, node ${machine.node}, pnpm ${machine.pnpm}; load average ${machine.loadavgStart.join(" ")} → ${machine.loadavgEnd.join(" ")}`,
);
console.log(line(head));
console.log(`|${width.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
const misses = figures.filter((f) => f.pass === false);
console.log(
  `\n${figures.filter((f) => f.pass === true).length} met, ${misses.length} missed; ${(totalMs / 1000).toFixed(0)} s in all`,
);
for (const pr of problems) console.log(`section ${pr.section} failed: ${pr.error.split("\n")[0]}`);
if (keep && ws) console.log(`kept: ${tempDirs.join(" ")}`);

const out = join(repoRoot, "bench/results.json");
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), quick, machine, params: { ...P, connections: CONNECTIONS, notes: NOTES }, totalSeconds: Math.round(totalMs / 1000), figures, problems, details }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
await sleep(0);
process.exit(problems.length ? 1 : 0);
