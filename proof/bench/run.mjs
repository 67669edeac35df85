#!/usr/bin/env node
// `pnpm bench`: how fast the development loop is and how lean the output is. Each figure is printed beside
// a reference measured in the same run (these machines are noisy: read the ratios) and its target.
// The README beside this file says what each figure measures, with the latest figures.
//
//   pnpm bench                      full run, about 6 minutes on 2 cores
//   pnpm bench -- --quick           single runs and short loads, for working on the bench itself
//   pnpm bench -- --only=dev,api    some sections: install, build, dev, weight, payload, api, ssr
//
// The requests it sends are its own (./requests.mjs: the API's read and write, the web's page). The API runs on
// PostgreSQL (a throwaway cluster from ../support, or TEST_DATABASE_URL's server) beside the bare Express + pg
// server in ./bare-api.mjs (same SQL, same database); `pnpm dev` runs on PGlite. The web's page is compared with
// a bare Next page fetching the API's read. Install, builds and `pnpm dev` run in a temp copy of the work tree;
// servers start through ../support, and all traffic goes to 127.0.0.1. Prints one table and writes proof/bench/results.json.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort, paths, startServer, testDatabaseUrl } from "../support/index.mjs";
import autocannon from "autocannon";
import { measureDevLoop, devLoopRows } from "./lib/dev-loop.mjs";
import { requests as benchRequests } from "./requests.mjs";
import { copyWorkTree, median, now, pageWeight, run, treeBytes } from "./lib/measure.mjs";
import { bareExpressBundleBytes, buildBareNext, createBareNext, referenceServer } from "./lib/references.mjs";

const SECTIONS = ["install", "build", "dev", "weight", "payload", "api", "ssr"];
let options;
try {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  options = parseArgs({ args, options: { quick: { type: "boolean" }, only: { type: "string" } } }).values;
  const unknown = options.only?.split(",").filter((s) => !SECTIONS.includes(s));
  if (unknown?.length) throw new Error(`unknown section ${unknown}`);
} catch (err) {
  console.error(`bench: ${err.message}\nusage: pnpm bench [-- --quick] [--only=${SECTIONS}]`);
  process.exit(2);
}
const { quick = false } = options;
const only = options.only?.split(",") ?? SECTIONS;
const RUNS = quick
  ? { install: 1, cold: 1, replay: 2, dev: 1, rounds: 1, seconds: 3 }
  : { install: 3, cold: 2, replay: 3, dev: 3, rounds: 3, seconds: 5 };
/** Concurrent connections: reads at 100; writes and the page, whose every request does more work, at 50. */
const CONNECTIONS = { read: 100, write: 50, page: 50 };
/** The API's database timeouts (its default), set on ours and on the bare reference that prices them. */
const DATABASE_TIMEOUT_MS = "5000";
/** Items the API holds while it is read: what its declared write creates, this many times. */
const SEEDED = 20;

/** The requests the bench sends `app`: a read (GET) and, for the API, a write (POST). */
const declared = (app) => benchRequests[app];

const started = now();
const seconds = () => ((now() - started) / 1000).toFixed(0);
const log = (msg) => process.stderr.write(`bench [${seconds().padStart(3)} s] ${msg}\n`);
const fmt = {
  s: (ms) => `${(ms / 1000).toFixed(2)} s`,
  kB: (bytes) => `${(bytes / 1000).toFixed(1)} kB`,
  MB: (bytes) => `${(bytes / 1e6).toFixed(1)} MB`,
  "req/s": (n) => `${n.toFixed(0)} req/s`,
  ms: (n) => `${n} ms`,
  cpu: (n) => `${n.toFixed(2)} ms`,
  n: String,
};
const rows = [];
const problems = [];
/** One row of the table: our figure beside its reference (ratio = ours / reference), and the target. */
function row(figure, unit, ours, [refName, ref], target = "-", pass = undefined) {
  const cells = [fmt[unit](ours), ref === undefined ? "-" : `${refName}: ${fmt[unit](ref)}`];
  const ratio = ref ? (ours / ref).toFixed(2) : "-";
  rows.push({ figure, ours, reference: refName, ref, target, pass, cells: [...cells, ratio] });
}

const temp = [];
const cleanup = () => temp.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

const catalog = readFileSync(join(paths.repoRoot, "pnpm-workspace.yaml"), "utf8");
const version = (name) => new RegExp(`^\\s+"?${name}"?:\\s*(\\S+)`, "m").exec(catalog)?.[1];
const versions = { next: version("next"), react: version("react"), "react-dom": version("react-dom") };
const pnpmVersion = (await run("pnpm", ["--version"])).out.trim();
const memory = `${Math.round(os.totalmem() / 1e9)} GB`;
const machine = `${os.availableParallelism()} cores (${os.cpus()[0]?.model}), ${memory}, node ${process.version}`;
const loadStart = os.loadavg()[0].toFixed(2);
log(`${machine}, pnpm ${pnpmVersion}, load average ${loadStart}`);

const ws = await copyWorkTree(paths.repoRoot);
const bare = createBareNext(versions);
temp.push(ws.dir, bare);
log(`copied ${ws.files} files to ${ws.dir}; bare Next ${versions.next} app in ${bare}`);
const ours = {
  api: join(ws.dir, "apps/api"),
  apiEntry: join(ws.dir, "apps/api/dist/index.mjs"),
  webEntry: join(ws.dir, "apps/web/.next/standalone/apps/web/start.mjs"),
  standalone: join(ws.dir, "apps/web/.next/standalone"),
};

/** A warm-store install from no node_modules (--offline; --prefer-offline if the store lacks something). */
async function install(dir) {
  for (const group of ["", "apps", "packages"].filter((g) => existsSync(join(dir, g))))
    for (const pkg of group ? readdirSync(join(dir, group)) : [""])
      rmSync(join(dir, group, pkg, "node_modules"), { recursive: true, force: true });
  const frozen = existsSync(join(dir, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  return run("pnpm", ["install", ...frozen, "--offline"], { cwd: dir }).catch(() =>
    run("pnpm", ["install", ...frozen, "--prefer-offline"], { cwd: dir }),
  );
}
// Each section installs and builds what it needs, so `--only` works for any of them.
const installed = async (dir) => existsSync(join(dir, "node_modules/.modules.yaml")) || (await install(dir));
const built = async () =>
  (existsSync(ours.apiEntry) && existsSync(ours.webEntry)) || (await run("pnpm", ["build"], { cwd: ws.dir }));
const bareBuilt = async () => existsSync(join(bare, ".next/standalone/server.js")) || buildBareNext(bare);

async function section(name, needs, fn) {
  if (!only.includes(name)) return;
  log(`${name}...`);
  try {
    await Promise.all(needs.map(installed));
    await fn();
  } catch (err) {
    problems.push({ section: name, error: String(err?.stack ?? err).slice(0, 4000) });
    log(`${name} FAILED: ${String(err?.message ?? err).split("\n")[0]}`);
    rows.push({ figure: `${name} (section failed)`, cells: ["error", "-", "-"], target: "-", pass: false });
  }
}

await section("install", [bare], async () => {
  const times = { ours: [], bare: [] }; // the bare app's first install (above) wrote its lockfile; not timed
  for (let i = 0; i < RUNS.install; i++) {
    times.ours.push((await install(ws.dir)).ms);
    times.bare.push((await install(bare)).ms);
  }
  const o = median(times.ours);
  row("pnpm install (warm store)", "s", o, ["bare Next app", median(times.bare)], "≤ 3 s", o <= 3000);
});

await section("build", [ws.dir, bare], async () => {
  const times = { cold: [], bare: [], replay: [] };
  for (let i = 0; i < RUNS.cold; i++) {
    for (const dir of [".turbo", "apps/web/.next", "apps/api/dist", join(bare, ".next")])
      rmSync(resolve(ws.dir, dir), { recursive: true, force: true }); // turbo's cache and every build output
    times.cold.push((await run("pnpm", ["turbo", "run", "build", "--force"], { cwd: ws.dir })).ms);
    times.bare.push(await buildBareNext(bare));
  }
  for (let i = 0; i < RUNS.replay; i++) {
    const { ms, out } = await run("pnpm", ["build"], { cwd: ws.dir });
    const [, hits, total] = /Cached:\s+(\d+) cached, (\d+) total/.exec(out) ?? [];
    if (!hits || hits !== total) throw new Error(`a no-change build ran tasks again:\n${out.slice(-2000)}`);
    times.replay.push(ms);
  }
  const [cold, replay] = [median(times.cold), median(times.replay)];
  row("cold build (turbo --force, no cache)", "s", cold, ["bare next build", median(times.bare)]);
  row("no-change build (FULL TURBO replay)", "s", replay, ["our cold build", cold], "≤ 1 s", replay <= 1000);
});

// The dev loop: proof/bench/lib/dev-loop.mjs measures it piece by piece and returns the rows.
await section("dev", [ws.dir, bare], async () => {
  const figures = await measureDevLoop({ dir: ws.dir, bare, runs: RUNS.dev, freePort, log });
  for (const r of devLoopRows(figures))
    row(r.figure, "s", r.ours, r.ref ?? ["-", undefined], r.target, r.pass);
});

/**
 * Our built API on a free port, on a new database of a throwaway PostgreSQL (proof/support); LOG_LEVEL=silent,
 * so the figures don't measure logging.
 */
async function startOurApi() {
  const DATABASE_URL = await testDatabaseUrl();
  if (!DATABASE_URL)
    throw new Error("the API needs PostgreSQL: set TEST_DATABASE_URL or PG_BIN, or install it");
  const env = {
    API_HOST: "127.0.0.1",
    API_PORT: `${await freePort()}`,
    LOG_LEVEL: "silent",
    DATABASE_URL,
    DATABASE_STATEMENT_TIMEOUT_MS: DATABASE_TIMEOUT_MS,
  };
  const server = await startServer({ entry: ours.apiEntry, env, readyPath: "/ready" });
  return Object.assign(server, { databaseUrl: DATABASE_URL });
}

/** The API's like-for-like reference on our API's database: ./bare-api.mjs, bare Express 5 + node-postgres. */
async function startBareReference(databaseUrl, more = {}) {
  const entry = join(import.meta.dirname, "bare-api.mjs");
  const env = {
    PORT: `${await freePort()}`,
    DATABASE_URL: databaseUrl,
    EXPRESS_FROM: join(ours.api, "package.json"),
    ...more,
  };
  return startServer({ entry, env, readyPath: "/ready" });
}

await section("weight", [ws.dir, bare], async () => {
  await Promise.all([built(), bareBuilt()]);
  const api = await startOurApi();
  const webEnv = { WEB_HOST: "127.0.0.1", WEB_PORT: `${await freePort()}`, API_URL: api.url };
  const web = await startServer({ entry: ours.webEntry, env: webEnv, readyPath: "/" });
  const refEnv = { HOSTNAME: "127.0.0.1", PORT: `${await freePort()}` };
  const refEntry = join(bare, ".next/standalone/server.js");
  const ref = await startServer({ entry: refEntry, env: refEnv, readyPath: "/" });
  const [o, b] = [await pageWeight(web.url), await pageWeight(ref.url)];
  await Promise.all([web.stop(), ref.stop(), api.stop()]);
  const figure = `JS a browser loads for / (gzip; ${o.chunks} and ${b.chunks} chunks)`;
  row(figure, "kB", o.gzip, ["bare Next page", b.gzip], "≤ bare + 3 kB", o.gzip - b.gzip <= 3000);
});

await section("payload", [ws.dir, bare], async () => {
  await Promise.all([built(), bareBuilt()]);
  const web = treeBytes(ours.standalone, [join(ours.standalone, "apps/web/.next/cache")]);
  const refWeb = treeBytes(join(bare, ".next/standalone"), [join(bare, ".next/standalone/.next/cache")]);
  row("web image tree (standalone)", "MB", web, ["bare Next standalone", refWeb], "≤ 20 MB", web <= 20e6);
  const api = treeBytes(join(ours.api, "dist"));
  const refApi = await bareExpressBundleBytes(ours.api);
  row("API image tree (dist)", "MB", api, ["bare Express bundle", refApi], "≤ 2 MB", api <= 2e6);
});

const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux this runs on
/** CPU time (user + system, ms) process `pid` has used so far, from /proc; undefined where there is none. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * One autocannon run of `request` (a declared one) on `url` at `connections` connections; with `pid`, also the
 * CPU time that process spent per request, which leaves out the time it waited for a core.
 */
async function load(url, request, seconds, connections, pid) {
  const opts = {
    url: `${url}${request.path ?? ""}`,
    method: request.method,
    connections,
    duration: seconds,
    timeout: 10,
    ...(request.json === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(request.json) }),
  };
  const before = pid === undefined ? undefined : cpuMs(pid);
  const r = await autocannon(opts);
  const cpu = before === undefined ? undefined : (cpuMs(pid) - before) / Math.max(1, r.requests.total);
  return { rps: r.requests.average, p99: r.latency.p99, bad: r.errors + r.timeouts + r.non2xx, cpu };
}

/** Sends the declared write until the declared read has seen SEEDED of them (at most SEEDED times). */
async function seed(url, { write }) {
  for (let i = 0; i < SEEDED; i++) {
    const res = await fetch(`${url}${write.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(write.json),
    });
    if (!res.ok) throw new Error(`seeding ${write.name}: ${res.status} ${await res.text()}`);
  }
}

/**
 * Rounds of `request` on each server in turn (a server's `url` may carry its own path); the medians of req/s and
 * p99 per server, and the failures.
 */
async function compare(servers, request, connections) {
  const runs = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
  for (const s of Object.values(servers)) await load(s.url, request, 2, connections); // warm-up: JIT, connections
  for (let i = 0; i < RUNS.rounds; i++) {
    for (const [name, s] of Object.entries(servers))
      runs[name].push(await load(s.url, request, RUNS.seconds, connections, s.pid));
    const last = Object.entries(runs).map(([name, r]) => {
      const { rps, cpu } = r.at(-1);
      return `${name} ${fmt["req/s"](rps)}${cpu === undefined ? "" : ` (${fmt.cpu(cpu)} CPU each)`}`;
    });
    log(`  ${request.name}, round ${i + 1}: ${last.join(", ")}`);
  }
  const [rps, p99, cpu] = ["rps", "p99", "cpu"].map((key) => (name) => {
    const values = runs[name].map((r) => r[key]);
    return values.includes(undefined) ? undefined : median(values);
  });
  const bad = (name) => runs[name].reduce((n, r) => n + r.bad, 0);
  return { rps, p99, cpu, bad };
}

await section("api", [ws.dir], async () => {
  await built();
  const requests = declared("api");
  if (!requests.read || !requests.write)
    throw new Error("proof/bench/requests.mjs has no read and write for the API");
  const api = await startOurApi();
  await seed(api.url, requests);
  const BODY_FILE = join(ws.dir, "bench-read.json");
  writeFileSync(BODY_FILE, await (await fetch(`${api.url}${requests.read.path}`)).text());
  const reference = async (more) => {
    const env = { PORT: `${await freePort()}`, BODY_FILE, BODY_PATH: requests.read.path, ...more };
    return startServer({ entry: referenceServer, env, readyPath: requests.read.path });
  };
  const servers = {
    ours: api,
    bareDb: await startBareReference(api.databaseUrl),
    // The same, with the API's database timeouts: what that one promise costs.
    bareTimeouts: await startBareReference(api.databaseUrl, { DATABASE_TIMEOUT_MS }),
    express: await reference({ EXPRESS_FROM: join(ours.api, "package.json") }),
    http: await reference({}),
  };
  const pg = ["bare Express 5 + pg"];
  try {
    const { rps, p99, cpu, bad } = await compare(servers, requests.read, CONNECTIONS.read);
    const title = `API ${requests.read.name} (${SEEDED} items), ${CONNECTIONS.read} connections`;
    const readRatio = rps("ours") / rps("bareDb");
    row(`${title}, PostgreSQL`, "req/s", rps("ours"), [...pg, rps("bareDb")], "≥ 0.85 ×", readRatio >= 0.85);
    row("  p99 latency", "ms", p99("ours"), [...pg, p99("bareDb")]);
    if (cpu("ours") !== undefined) row("  server CPU per read", "cpu", cpu("ours"), [...pg, cpu("bareDb")]);
    row("  bare Express 5 + pg with the API's database timeouts", "req/s", rps("bareTimeouts"), [
      ...pg,
      rps("bareDb"),
    ]);
    row("  ours beside it", "req/s", rps("ours"), ["bare with timeouts", rps("bareTimeouts")]);
    row("  bare Express 5 (same body, no database)", "req/s", rps("express"), [
      "bare node:http",
      rps("http"),
    ]);

    // The write: what storing costs beside the bare server's one INSERT.
    const write = await compare({ ours: api, bareDb: servers.bareDb }, requests.write, CONNECTIONS.write);
    const name = `API ${requests.write.name}, ${CONNECTIONS.write} connections, PostgreSQL`;
    const [w, wRef] = [write.rps("ours"), write.rps("bareDb")];
    row(name, "req/s", w, [...pg, wRef], "≥ 0.7 ×", w / wRef >= 0.7);
    row("  p99 latency", "ms", write.p99("ours"), [...pg, write.p99("bareDb")]);
    const errors = bad("ours") + write.bad("ours");
    row("API errors + timeouts + non-2xx", "n", errors, ["-", undefined], "0", errors === 0);
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
});

await section("ssr", [ws.dir, bare], async () => {
  await Promise.all([built(), bareBuilt()]);
  const [apiRequests, { read: page }] = [declared("api"), declared("web")];
  if (!page) throw new Error("proof/bench/requests.mjs has no read for the web");
  const api = await startOurApi();
  await seed(api.url, apiRequests);
  const webEnv = { WEB_HOST: "127.0.0.1", WEB_PORT: `${await freePort()}`, API_URL: api.url };
  const web = await startServer({ entry: ours.webEntry, env: webEnv, readyPath: "/ready" });
  // The bare pages fetch the API's declared first-page read per request, as ours does: same data, same API.
  const refEnv = {
    HOSTNAME: "127.0.0.1",
    PORT: `${await freePort()}`,
    LIST_URL: `${api.url}${apiRequests.read.path}`,
    WRITE_URL: `${api.url}${apiRequests.write.path}`,
    FIELD: Object.keys(apiRequests.write.json)[0],
  };
  const ref = await startServer({
    entry: join(bare, ".next/standalone/server.js"),
    env: refEnv,
    readyPath: "/",
  });
  try {
    const servers = { ours: web, bare: ref, forms: { url: `${ref.url}/forms`, pid: ref.pid } };
    const { rps, p99, cpu, bad } = await compare(servers, { ...page, path: undefined }, CONNECTIONS.page);
    const title = `web ${page.name}, ${CONNECTIONS.page} connections`;
    const same = "bare Next page (same list)";
    row(title, "req/s", rps("ours"), [same, rps("bare")], "≥ 0.85 ×", rps("ours") / rps("bare") >= 0.85);
    row("  p99 latency", "ms", p99("ours"), [same, p99("bare")], "≤ 1.2 ×", p99("ours") / p99("bare") <= 1.2);
    if (cpu("ours") !== undefined) row("  web server CPU per page", "cpu", cpu("ours"), [same, cpu("bare")]);
    row("  the same two forms, plainest (no proxy)", "req/s", rps("forms"), [same, rps("bare")]);
    row("  ours beside the plain forms", "req/s", rps("ours"), ["plain forms", rps("forms")]);
    if (cpu("forms") !== undefined)
      row("  CPU per page: the plain forms", "cpu", cpu("forms"), [same, cpu("bare")]);
    const errors = bad("ours") + bad("forms");
    row("web errors + timeouts + non-2xx", "n", errors, ["-", undefined], "0", errors === 0);
  } finally {
    await Promise.all([web.stop(), ref.stop(), api.stop()]);
  }
});

// ---- report ---------------------------------------------------------------------------------------------
function table(head, body) {
  const width = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(width[i])).join(" | ")} |`;
  return [line(head), `|${width.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
const date = new Date().toISOString();
const loadEnd = os.loadavg()[0].toFixed(2);
console.log(`\nnix-sample bench${quick ? " --quick" : ""}, ${date.slice(0, 16).replace("T", " ")} UTC`);
console.log(
  `${machine}, pnpm ${pnpmVersion}; load average ${loadStart} at the start, ${loadEnd} at the end\n`,
);
const verdict = (pass) => (pass === undefined ? "" : pass ? "met" : "MISS");
const head = ["figure", "ours", "reference", "ours/ref", "target", ""];
console.log(
  table(
    head,
    rows.map((r) => [r.figure, ...r.cells, r.target, verdict(r.pass)]),
  ),
);
// What the Nix images add around the app trees: estimated from nixpkgs (no nix build runs here), not measured.
const estimateFile = join(paths.repoRoot, "proof/bench/closure-estimate.json");
let estimate;
if (only.includes("payload") && existsSync(estimateFile)) {
  try {
    estimate = JSON.parse(readFileSync(estimateFile, "utf8"));
    if (!Object.values(estimate.images ?? 0).every(Array.isArray) || !Object.keys(estimate.images).length)
      throw new Error('expected { "images": { "web": [{ "item", "mib", "note" }, …], … } }');
    const items = Object.entries(estimate.images).flatMap(([image, list]) =>
      list.map(({ item, mib, note }) => [image, item, mib.toFixed(1), note ?? ""]),
    );
    console.log(
      `\nImage closures, ESTIMATED (proof/bench/closure-estimate.json, nixpkgs ${estimate.nixpkgsRev}):`,
    );
    console.log(table(["image", "item", "MiB (estimate)", "note"], items));
  } catch (err) {
    problems.push({ section: "estimate", error: `proof/bench/closure-estimate.json: ${err.message}` });
  }
}
const [met, missed] = [true, false].map((p) => rows.filter((r) => r.pass === p).length);
console.log(`\n${met} targets met, ${missed} missed; ${seconds()} s in all`);
for (const p of problems) console.log(`section ${p.section} failed: ${p.error.split("\n")[0]}`);
const results = { date, quick, machine, loadStart, loadEnd, runs: RUNS, rows, estimate, problems };
writeFileSync(join(paths.repoRoot, "proof/bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
log("removing the temp copies...");
cleanup();
process.exit(problems.length ? 1 : 0);
