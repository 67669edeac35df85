// Throwaway PostgreSQL for tests: a cluster in a temp directory on 127.0.0.1 and a free port (fsync off, trust auth),
// in the registry (registry.mjs): stopped and removed at the test file's end, and when the process that started it
// exits, however it exits (its reaper). Or, when TEST_DATABASE_URL is set (GitHub's
// service container), that server. Each test gets its own database on the shared server: `createDatabase()`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";
import { clusterPrefix } from "./leftovers.mjs";
import { freePort } from "./ports.mjs";
import { startOwnerReaper, track } from "./registry.mjs";

const everySuiteRequired = process.env.REQUIRE_EVERY_SUITE === "1";

/** The directory holding initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/N/bin, else PATH. */
export function findPostgresBin() {
  const has = (dir) => dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"));
  if (process.env.PG_BIN) return has(process.env.PG_BIN) ? process.env.PG_BIN : undefined;
  const debian = "/usr/lib/postgresql";
  const majors = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) if (has(join(debian, major, "bin"))) return join(debian, major, "bin");
  // eslint-disable-next-line turbo/no-undeclared-env-vars -- where programs are found, not a task input
  return (process.env.PATH ?? "").split(delimiter).find(has);
}

/** PostgreSQL refuses to run as root: as root, run its programs as the `postgres` user (Debian's package makes it). */
const asRoot = process.getuid?.() === 0;

function run(bin, program, args) {
  const [file, ...argv] = command(bin, program, args);
  const result = spawnSync(file, argv, { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(
      `${program} ${args.join(" ")} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  return result.stdout;
}

/** The argv that runs `program` from `bin` (through runuser as root). */
const command = (bin, program, args) =>
  asRoot ? ["runuser", "-u", "postgres", "--", join(bin, program), ...args] : [join(bin, program), ...args];

/**
 * initdb + pg_ctl start in `dir` (default: a new temp directory) on `port` (default: a free one).
 * `detached`: not in this process's registry (postgres-cli.mjs, which exits at once, hands it to the shell suite);
 * `owner`: a PID whose end stops and removes the detached cluster (a reaper watches it).
 */
export async function startPostgres({ dir, port, detached = false, owner } = {}) {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL not found: set PG_BIN, or put initdb and pg_ctl on PATH");
  // eslint-disable-next-line turbo/no-undeclared-env-vars -- the run's tag (vitest-global.mjs), not a task input
  const root = dir ?? mkdtempSync(join(tmpdir(), clusterPrefix(process.env.PG_TEST_RUN)));
  mkdirSync(root, { recursive: true });
  const data = join(root, "data");
  const socketDir = join(root, "sock");
  mkdirSync(socketDir, { recursive: true });
  if (asRoot) spawnSync("chown", ["-R", "postgres", root]);
  run(bin, "initdb", ["-D", data, "-U", "app", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const listenPort = port ?? (await freePort());
  const options = [
    `-p ${listenPort}`,
    `-k ${socketDir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
  ].join(" ");
  const log = join(root, "log");
  const start = () => void run(bin, "pg_ctl", ["-D", data, "-l", log, "-w", "-o", options, "start"]);
  const stopWith = (mode) => void run(bin, "pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);
  const url = `postgres://app@127.0.0.1:${listenPort}/postgres`;
  writeFileSync(join(root, "url"), `${url}\n`);
  const stopImmediately = command(bin, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  // Registered before it starts: a process killed during `pg_ctl start` still leaves nothing behind.
  if (detached && owner) startOwnerReaper({ owner, pgCtl: stopImmediately, remove: root });
  const tracked = detached
    ? undefined
    : track({
        name: `PostgreSQL in ${root}`,
        stop: () => cluster.stop(),
        stopNow: () => cluster.removeNow(),
        reap: { pgCtl: stopImmediately, remove: root },
      });
  start();

  const cluster = {
    url,
    port: listenPort,
    dir: root,
    /** Starts it again after kill() or stopFast(). */
    start,
    /** Stops it like a crash (immediate mode): connections drop, data stays. */
    kill: () => stopWith("immediate"),
    /** Stops it cleanly (fast mode), data stays. */
    stopFast: () => stopWith("fast"),
    /** Stops it and removes every file. */
    stop: async () => {
      cluster.removeNow();
      tracked?.release();
    },
    removeNow() {
      if (existsSync(join(data, "postmaster.pid")))
        spawnSync(stopImmediately[0], stopImmediately.slice(1), { stdio: "ignore", timeout: 60_000 });
      rmSync(root, { recursive: true, force: true });
    },
    createDatabase: (name) => createDatabase(url, name),
  };
  return cluster;
}

let databases = 0;

/** CREATE DATABASE on the server of `serverUrl`; resolves with the new database's URL. */
export async function createDatabase(
  serverUrl,
  name = `test_${process.pid}_${++databases}_${Date.now() % 1e6}`,
) {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

let shared;

/**
 * The server this process's tests share: TEST_DATABASE_URL's, else one throwaway cluster started on first use.
 * Resolves undefined when neither is possible, after a one-line notice; throws instead when every suite is required.
 */
export function sharedPostgres() {
  shared ??= (async () => {
    const external = process.env.TEST_DATABASE_URL;
    if (external) return { url: external, external: true };
    if (!findPostgresBin()) {
      const why = "PostgreSQL not found (set TEST_DATABASE_URL or PG_BIN, or install postgresql)";
      if (everySuiteRequired) throw new Error(`${why}; required when REQUIRE_EVERY_SUITE=1`);
      console.warn(`skip: ${why}; these tests run in .ci/run`);
      return undefined;
    }
    const cluster = await startPostgres();
    // Stopped with the file's other resources: the next file starts its own.
    track({ name: "forget the shared cluster", stop: () => void (shared = undefined), stopNow: () => {} });
    return cluster;
  })();
  return shared;
}

/** A new, empty database on the shared server (undefined when there is none: skip). */
export async function testDatabaseUrl() {
  const server = await sharedPostgres();
  return server && createDatabase(server.url);
}
