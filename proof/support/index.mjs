// The one place that starts the BUILT servers for tests, e2e, load runs and the bench: a real child process on a
// free 127.0.0.1 port, ready once an HTTP probe answers 2xx, stopped by a signal (SIGKILL past a bound). Every
// process started here is in the registry (registry.mjs): killed at the test file's end, and when the process that
// started it exits, however it exits.
// Plain ESM with hand-written types beside it (index.d.mts), so TypeScript tests and .mjs scripts import the same.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { freePort } from "./ports.mjs";
import { testDatabaseUrl } from "./postgres.mjs";
import { track } from "./registry.mjs";

export { freePort } from "./ports.mjs";
export { cleanupAll, stillRunning, track } from "./registry.mjs";

export {
  createDatabase,
  findPostgresBin,
  sharedPostgres,
  startPostgres,
  testDatabaseUrl,
} from "./postgres.mjs";

const repoRoot = join(import.meta.dirname, "../..");

export const paths = {
  repoRoot,
  /** The esbuild bundle `pnpm --filter api build` writes (what `pnpm start` and the image run). */
  apiEntry: join(repoRoot, "apps/api/dist/index.mjs"),
  /** The web's start entry inside Next's standalone tree (what `pnpm start` and the image run). */
  webEntry: join(repoRoot, "apps/web/.next/standalone/apps/web/start.mjs"),
};

/**
 * The test harness's own switch: on our Debian CI (`.ci/run` sets it) every suite must run, so a missing tool is a
 * failure; elsewhere such a suite skips with a notice.
 */
export const everySuiteRequired = process.env.REQUIRE_EVERY_SUITE === "1";

/** The browser the e2e suite drives (Debian's chromium unless CHROMIUM_PATH says otherwise). */
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * True when `path` exists. When it doesn't: throws if every suite is required, else warns once and returns false
 * (the caller skips).
 */
export function requireFile(path, what) {
  if (existsSync(path)) return true;
  if (everySuiteRequired)
    throw new Error(`${what} not found at ${path} (required when REQUIRE_EVERY_SUITE=1)`);
  console.warn(`skip: ${what} not found at ${path}; these tests run in .ci/run`);
  return false;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Throws a clear message when a built entry is missing (tests and load runs never build the web themselves). */
export function requireBuilt(...entries) {
  const missing = (entries.length ? entries : [paths.apiEntry, paths.webEntry]).filter((f) => !existsSync(f));
  if (missing.length)
    throw new Error(`missing build output: ${missing.join(", ")}; run \`pnpm build\` first`);
}

/** A free port held by another listener (it drops every connection) until `close()`: for "port taken" cases. */
export async function holdPort() {
  const holder = createServer((socket) => socket.destroy());
  const port = await freePort();
  await new Promise((resolve) => holder.listen(port, "127.0.0.1", resolve));
  return { port, close: () => new Promise((resolve) => holder.close(() => resolve())) };
}

const OUTPUT_LIMIT = 1 << 20;

/** The port a server was told to use: `port`, or the one env variable named *PORT holding decimal digits. */
function portFrom(port, env) {
  if (port !== undefined) return port;
  const found = Object.entries(env).filter(([name, value]) => /PORT$/.test(name) && /^\d+$/.test(value));
  if (found.length !== 1)
    throw new Error(
      "startServer: pass `port`, or exactly one *PORT variable in `env`, so it knows where to probe",
    );
  return Number(found[0][1]);
}

/**
 * Spawns `node [args] entry` with exactly `env` (plus PATH, HOME and NODE_ENV=production; nothing else leaks in
 * from this process, so a developer's PORT or API_URL can't change a test), then polls `readyPath` until it
 * answers 2xx. Rejects with the server's output when it exits first or isn't ready within `timeoutMs`.
 */
export async function startServer({
  entry,
  env = {},
  port: givenPort,
  host = "127.0.0.1",
  readyPath = "/health",
  cwd,
  timeoutMs = 60_000,
  args = [],
  node = process.execPath,
}) {
  requireBuilt(entry);
  const port = portFrom(givenPort, env);
  const child = spawn(node, [...args, entry], {
    cwd,
    // Handed to the child, not an input of any task: nothing for turbo's cache key.
    // eslint-disable-next-line turbo/no-undeclared-env-vars
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Until it exits: SIGKILLed at the test file's end, or by its reaper if this process dies first.
  const tracked = track({
    name: `${entry} (pid ${child.pid})`,
    stop: () => server.stop("SIGKILL"),
    stopNow: () => child.kill("SIGKILL"),
    reap: child.pid ? { kill: child.pid } : undefined,
  });
  let output = "";
  const keep = (chunk) => {
    output += chunk;
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
  };
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  const exited = new Promise((resolve) => {
    // 'close', not 'exit': by then stdout and stderr are fully read, so output() holds the last words.
    child.on("close", (code, signal) => {
      tracked.release();
      resolve({ code, signal });
    });
  });
  child.on("error", (err) => keep(`\n[test-support] ${err.message}\n`));

  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const server = {
    url,
    port,
    child,
    pid: child.pid,
    exited,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(signal = "SIGTERM", stopTimeoutMs = 15_000) {
      if (server.alive()) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };

  let early;
  void exited.then((result) => (early = result));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (early)
      throw new Error(
        `${entry} exited (code ${early.code}, signal ${early.signal}) before ${url}${readyPath} answered:\n${output}`,
      );
    const status = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status;
      },
      () => 0,
    );
    if (status >= 200 && status < 300) return server;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      throw new Error(
        `${url}${readyPath} did not answer 2xx within ${timeoutMs} ms (last: ${status}):\n${output}`,
      );
    }
    await sleep(50);
  }
}

/**
 * The bundled API on a free port, ready once /ready answers. `env` is added to (and may override) the defaults;
 * without a DATABASE_URL in it, the API gets a new, empty database on the shared test server (postgres.mjs).
 */
export async function startApi({ env = {}, readyPath = "/ready", timeoutMs } = {}) {
  const port = env.API_PORT ? Number(env.API_PORT) : await freePort();
  let databaseUrl = env.DATABASE_URL;
  if (databaseUrl === undefined) {
    databaseUrl = await testDatabaseUrl();
    if (databaseUrl === undefined)
      throw new Error("startApi: no PostgreSQL for the API (set TEST_DATABASE_URL or PG_BIN, or install it)");
  }
  return startServer({
    entry: paths.apiEntry,
    port,
    readyPath,
    timeoutMs,
    env: { API_HOST: "127.0.0.1", API_PORT: String(port), ...env, DATABASE_URL: databaseUrl },
  });
}

/**
 * The standalone web server through start.mjs on a free port, talking to `apiUrl`. Ready once it serves
 * robots.txt (a static file: the API may be down on purpose).
 */
export async function startWeb({ apiUrl, env = {} }) {
  const port = env.WEB_PORT ? Number(env.WEB_PORT) : await freePort();
  return startServer({
    entry: paths.webEntry,
    port,
    readyPath: "/robots.txt",
    env: {
      WEB_HOST: "127.0.0.1",
      WEB_PORT: String(port),
      API_URL: apiUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
  });
}

/** Resolves true when a TCP connection to 127.0.0.1:`port` is refused, false when something accepts it. */
export function isRefused(port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", (err) => (err.code === "ECONNREFUSED" ? resolve(true) : reject(err)));
  });
}

/**
 * Opens a raw TCP connection to `url` and writes `data` (e.g. half a request). `closed` resolves with everything
 * the server sent once the server closes the connection; `destroy()` ends it from this side.
 */
export function openSocket(url, data = "") {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ""), () => {
      if (data) socket.write(data);
      resolve({ socket, closed, received: () => Buffer.concat(chunks).toString("latin1") });
    });
    const chunks = [];
    socket.on("data", (d) => chunks.push(d));
    const closed = new Promise((done) =>
      socket.on("close", () => done(Buffer.concat(chunks).toString("latin1"))),
    );
    socket.on("error", (err) => {
      if (!socket.connecting) return; // a reset after connecting shows up as `closed`
      reject(err);
    });
  });
}

/** Resolves with `promise`'s value, or rejects naming `what` when it takes longer than `ms`. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
