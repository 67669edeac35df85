// The dev loop, piece by piece, for `pnpm bench` (its `dev` section) or alone:
//
//   node proof/bench/lib/dev-loop.mjs [--runs=N]   copies the work tree, installs it, prints the figures as JSON
//
// One instrumented start of `pnpm dev` records, from the moment it is spawned: the API answering /health
// (turbo and `node --watch` started, the app loaded), the API answering its ready path (the database open and
// migrated), the web server accepting connections (`next dev` up), the first `/` (Turbopack compiled the page
// and the workspace packages it imports) and the first `/` whose request began once the API was ready: the
// first page with data. The same apps started directly (no pnpm, no turbo) give what turbo's start costs, and a
// bare one-page `next dev` app of the same Next.js runs beside them as the reference. Then, with `pnpm dev`
// running, two edits: a line appended to the API's entry file (until a new process answers /health) and a
// file of @repo/ui changed (until a page shows the change). The bench adds the page and component it edits to
// its temp copy (bench-probe), so it knows nothing of what the apps serve; the ready paths are the apps'
// runtime fields.
import { spawn } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { killTree, median, now, sleep } from "./measure.mjs";

const quiet = { TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", NEXT_TELEMETRY_DISABLED: "1" };
const live = new Set();
process.on("exit", () => {
  for (const pid of live) void killTree(pid, 0);
});

/** A long-running command in its own process group, output kept (the tail) for error messages. */
function start(cmd, args, { cwd, env }) {
  const full = { ...process.env, ...quiet, DO_NOT_TRACK: "1", ...env };
  for (const name of ["CI", "PORT", "HOSTNAME"]) delete full[name];
  const child = spawn(cmd, args, { cwd, env: full, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child.pid);
  let out = "";
  const keep = (chunk) => (out = (out + chunk).slice(-20_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) =>
    child.on("close", (code) => (live.delete(child.pid), resolve(code))),
  );
  return {
    output: () => out,
    exited,
    stop: async () => {
      await killTree(child.pid);
      await exited;
    },
  };
}

const get = async (url, timeoutMs = 60_000) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
};
const accepts = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

/** Polls `probe` every 25 ms until it resolves truthy (then the time since `t0`), `proc` exits, or `boundMs`. */
async function until(probe, { t0, proc, what, boundMs = 120_000 }) {
  let gone = false;
  void proc?.exited.then(() => (gone = true));
  while (!gone && now() - t0 < boundMs) {
    if (await probe().catch(() => false)) return now() - t0;
    await sleep(25);
  }
  throw new Error(
    `${what}: not seen after ${Math.round(now() - t0)} ms\n${proc?.output().slice(-3000) ?? ""}`,
  );
}

/** Bytes under `dir` (0 when missing). */
function bytes(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}
/**
 * Turbopack writes its cache (.next/dev/cache) a few seconds after compiling, not at exit: wait until it has
 * been written and stopped growing, as it has when a developer starts `pnpm dev` again another day.
 */
async function cachePersisted(appDir, log) {
  const dir = join(appDir, ".next/dev/cache");
  let last = -1;
  for (const end = now() + 90_000; now() < end; await sleep(1000)) {
    const size = bytes(dir);
    if (size > 1_000_000 && size === last) return true;
    last = size;
  }
  log(`  warning: ${dir}: Turbopack wrote no cache within 90 s; the timed runs may compile from scratch`);
  return false;
}

const readyPath = (dir, app) =>
  JSON.parse(readFileSync(join(dir, "apps", app, "package.json"), "utf8")).runtime?.ready ?? "/health";

/**
 * One start of the two apps (`pnpm dev`, or each app's dev command without pnpm and turbo): the milestones in ms
 * from the spawn. `keep` leaves it running and returns it (for the edits) instead of stopping it.
 */
async function startBoth(dir, { web, api, direct = false, keep = false, persist = false, log }) {
  const env = { WEB_PORT: `${web}`, API_PORT: `${api}`, API_URL: `http://127.0.0.1:${api}` };
  const t0 = now();
  const procs = direct
    ? [
        start(process.execPath, ["--watch", "--watch-preserve-output", "src/index.ts"], {
          cwd: join(dir, "apps/api"),
          env,
        }),
        start(join(dir, "apps/web/node_modules/.bin/next"), ["dev", "--port", `${web}`], {
          cwd: join(dir, "apps/web"),
          env,
        }),
      ]
    : [start("pnpm", ["dev"], { cwd: dir, env })];
  const proc = {
    output: () => procs.map((p) => p.output()).join("\n"),
    exited: Promise.race(procs.map((p) => p.exited)),
  };
  const apiReadyPath = readyPath(dir, "api");
  const base = `http://127.0.0.1:${web}`;
  try {
    const m = {};
    const apiUp = until(async () => (await get(`http://127.0.0.1:${api}/health`, 2000)).status === 200, {
      t0,
      proc,
      what: "API /health",
    }).then((ms) => (m.apiUp = ms));
    const apiReady = until(
      async () => (await get(`http://127.0.0.1:${api}${apiReadyPath}`, 2000)).status === 200,
      { t0, proc, what: `API ${apiReadyPath}` },
    ).then((ms) => (m.apiReady = ms));
    const webUp = until(() => accepts(web), { t0, proc, what: "web port" }).then((ms) => (m.webUp = ms));
    // Pages, one request at a time as a reloading browser would: the first that renders, and the first whose
    // request began after the API was ready (its server-side fetch then found the API ready).
    const pages = until(
      async () => {
        const began = now() - t0;
        const { status } = await get(`${base}/`);
        if (status !== 200) return false;
        m.firstPage ??= now() - t0;
        return m.apiReady !== undefined && began >= m.apiReady;
      },
      { t0, proc, what: "/ with the API ready" },
    ).then((ms) => (m.dataPage = ms));
    await Promise.all([apiUp, apiReady, webUp, pages]);
    if (persist) await cachePersisted(join(dir, "apps/web"), log);
    if (keep) return { m, procs, base, api };
    return { m };
  } finally {
    if (!keep) await Promise.all(procs.map((p) => p.stop()));
  }
}

/** The bare app's `next dev` until its page renders. */
async function startBare(bare, port, { persist = false, log } = {}) {
  const t0 = now();
  const proc = start("pnpm", ["exec", "next", "dev", "--port", `${port}`, "--hostname", "127.0.0.1"], {
    cwd: bare,
    env: {},
  });
  try {
    const m = {};
    await Promise.all([
      until(() => accepts(port), { t0, proc, what: "bare port" }).then((ms) => (m.webUp = ms)),
      until(async () => (await get(`http://127.0.0.1:${port}/`)).text.includes("<h1>bare</h1>"), {
        t0,
        proc,
        what: "bare page",
      }).then((ms) => (m.firstPage = ms)),
    ]);
    if (persist) await cachePersisted(bare, log);
    return m;
  } finally {
    await proc.stop();
  }
}

/** The page and component the edit figure changes, added to the temp copy only. */
function addProbe(dir) {
  const ui = join(dir, "packages/ui");
  writeFileSync(
    join(ui, "src/BenchProbe.tsx"),
    'export function BenchProbe() {\n  return <p id="bench-probe">probe 0</p>;\n}\n',
  );
  const manifest = JSON.parse(readFileSync(join(ui, "package.json"), "utf8"));
  manifest.exports = { ...manifest.exports, "./bench-probe": "./src/BenchProbe.tsx" };
  writeFileSync(join(ui, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const page = join(dir, "apps/web/src/app/bench-probe");
  mkdirSync(page, { recursive: true });
  writeFileSync(
    join(page, "page.tsx"),
    'import { BenchProbe } from "@repo/ui/bench-probe";\n\nexport default function Page() {\n  return <BenchProbe />;\n}\n',
  );
}

/** With `pnpm dev` running: ms from each edit until it is visible. */
async function edits(dir, { base, api, procs }, round) {
  const proc = { output: () => procs.map((p) => p.output()).join("\n"), exited: procs[0].exited };
  // @repo/ui: the probe page compiled once, then the component edited until the page shows the new text.
  await until(async () => (await get(`${base}/bench-probe`)).text.includes('id="bench-probe"'), {
    t0: now(),
    proc,
    what: "/bench-probe",
  });
  const marker = `probe ${round + 1}`;
  const probeFile = join(dir, "packages/ui/src/BenchProbe.tsx");
  const ui0 = now();
  writeFileSync(probeFile, readFileSync(probeFile, "utf8").replace(/probe \d+/, marker));
  const ui = await until(async () => (await get(`${base}/bench-probe`)).text.includes(marker), {
    t0: ui0,
    proc,
    what: "@repo/ui edit on /bench-probe",
    boundMs: 60_000,
  });
  // The API: an edit to its entry; `node --watch` restarts it. Visible once /health fails (the old process gone)
  // and then answers again (the new one serving).
  const api0 = now();
  appendFileSync(join(dir, "apps/api/src/index.ts"), `// bench edit ${round + 1}\n`);
  let down = false;
  const apiMs = await until(
    async () => {
      const ok = await get(`http://127.0.0.1:${api}/health`, 1000)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (!ok) down = true;
      return down && ok;
    },
    { t0: api0, proc, what: "API restart after an edit", boundMs: 60_000 },
  );
  return { ui, api: apiMs };
}

/**
 * The dev section's figures: `runs` rounds of (pnpm dev, the same apps without turbo, bare next dev), each
 * on fresh ports; then the edits, `runs` times, in one more `pnpm dev`. Returns medians and every run.
 */
export async function measureDevLoop({ dir, bare, runs, freePort, log = () => {} }) {
  addProbe(dir);
  const ports = async () => ({ web: await freePort(), api: await freePort() });
  // The first start in a clone: the API creates its development database, Turbopack has no cache yet; it
  // is kept running until Turbopack has written its cache, as after any working session. The bare app too.
  const first = (await startBoth(dir, { ...(await ports()), persist: true, log })).m;
  const bareFirst = await startBare(bare, await freePort(), { persist: true, log });
  log(
    `  first start in a fresh clone: pnpm dev ${fmt(first.dataPage)}, bare next dev ${fmt(bareFirst.firstPage)}`,
  );
  const all = { turbo: [], direct: [], bare: [], edits: [] };
  for (let i = 0; i < runs; i++) {
    all.turbo.push((await startBoth(dir, await ports())).m);
    all.direct.push((await startBoth(dir, { ...(await ports()), direct: true })).m);
    all.bare.push(await startBare(bare, await freePort()));
    log(
      `  run ${i + 1}: pnpm dev ${fmt(all.turbo.at(-1).dataPage)} (${describe(all.turbo.at(-1))}), ` +
        `without turbo ${fmt(all.direct.at(-1).dataPage)}, bare next dev ${fmt(all.bare.at(-1).firstPage)}`,
    );
  }
  const running = await startBoth(dir, { ...(await ports()), keep: true });
  try {
    for (let i = 0; i < runs; i++) {
      all.edits.push(await edits(dir, running, i));
      log(
        `  edit ${i + 1}: @repo/ui visible in ${fmt(all.edits.at(-1).ui)}, API in ${fmt(all.edits.at(-1).api)}`,
      );
    }
  } finally {
    await Promise.all(running.procs.map((p) => p.stop()));
  }
  const med = (list, key) => median(list.map((m) => m[key]));
  const pick = (list) => Object.fromEntries(Object.keys(list[0]).map((k) => [k, med(list, k)]));
  return {
    first: { ours: first.dataPage, bare: bareFirst.firstPage },
    turbo: pick(all.turbo),
    direct: pick(all.direct),
    bare: pick(all.bare),
    edits: pick(all.edits),
    runs: all,
  };
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const describe = (m) =>
  `API up ${fmt(m.apiUp)}, ready ${fmt(m.apiReady)}, web up ${fmt(m.webUp)}, first / ${fmt(m.firstPage)}`;

/** The rows `pnpm bench` prints for what measureDevLoop returned: the figure, then where its time goes. */
export function devLoopRows({ first, turbo, direct, bare, edits, runs }) {
  // each piece as the median over the runs of its own difference
  const piece = (list, f) => median(list.map(f));
  const web = (m) => m.firstPage - m.webUp;
  return [
    {
      figure: "pnpm dev: first page with API data",
      ours: turbo.dataPage,
      ref: ["bare next dev", bare.firstPage],
      target: "≤ 1.3 × bare",
      pass: turbo.dataPage <= 1.3 * bare.firstPage,
    },
    {
      figure: "  the same apps started directly (no pnpm, no turbo)",
      ours: direct.dataPage,
      ref: ["bare next dev", bare.firstPage],
    },
    {
      figure: "  what pnpm and turbo add",
      ours: median(runs.turbo.map((m, i) => m.dataPage - runs.direct[i].dataPage)),
    },
    { figure: "  API: node --watch until /health", ours: turbo.apiUp },
    { figure: "  API: database open and migrated", ours: piece(runs.turbo, (m) => m.apiReady - m.apiUp) },
    { figure: "  web: next dev accepting connections", ours: turbo.webUp, ref: ["bare", bare.webUp] },
    {
      figure: "  web: first / (Turbopack compile, render)",
      ours: piece(runs.turbo, web),
      ref: ["bare", piece(runs.bare, web)],
    },
    { figure: "  page waiting for the API", ours: piece(runs.turbo, (m) => m.dataPage - m.firstPage) },
    {
      figure: "pnpm dev in a fresh clone (new database, no Turbopack cache)",
      ours: first.ours,
      ref: ["bare next dev", first.bare],
    },
    { figure: "@repo/ui edit visible on a page", ours: edits.ui, target: "≤ 2 s", pass: edits.ui <= 2000 },
    {
      figure: "API edit visible (node --watch restart)",
      ours: edits.api,
      target: "≤ 2 s",
      pass: edits.api <= 2000,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { copyWorkTree, run } = await import("./measure.mjs");
  const { createBareNext } = await import("./references.mjs");
  const { freePort, paths } = await import("../../support/index.mjs");
  const catalog = readFileSync(join(paths.repoRoot, "pnpm-workspace.yaml"), "utf8");
  const version = (name) => new RegExp(`^\\s+"?${name}"?:\\s*(\\S+)`, "m").exec(catalog)?.[1];
  const runs = Number(/--runs=(\d+)/.exec(process.argv.join(" "))?.[1] ?? 1);
  const log = (msg) => process.stderr.write(`${msg}\n`);
  const { rmSync } = await import("node:fs");
  const ws = await copyWorkTree(paths.repoRoot);
  const bare = createBareNext({
    next: version("next"),
    react: version("react"),
    "react-dom": version("react-dom"),
  });
  try {
    for (const d of [ws.dir, bare])
      await run("pnpm", ["install", "--offline", ...(d === ws.dir ? ["--frozen-lockfile"] : [])], {
        cwd: d,
      }).catch(() => run("pnpm", ["install", "--prefer-offline"], { cwd: d }));
    const result = await measureDevLoop({ dir: ws.dir, bare, runs, freePort, log });
    process.stdout.write(`${JSON.stringify({ ...result, rows: devLoopRows(result) }, null, 2)}\n`);
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
    rmSync(bare, { recursive: true, force: true });
  }
}
