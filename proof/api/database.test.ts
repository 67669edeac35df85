// The BUILT API (dist/) with a real database under it: what survives a crash, what happens while PostgreSQL is
// down, replicas migrating together, the migrate entry, and a production tree without PGlite. One throwaway
// cluster for the file (stopped and started by the outage tests), one database per test.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  everySuiteRequired,
  findPostgresBin,
  paths,
  sleep,
  startApi,
  startPostgres,
  type PostgresCluster,
  type RunningServer,
} from "../support/index.mjs";
import { requireApiBuilt, type Row as Note } from "./helpers.ts";

const haveBinaries = findPostgresBin() !== undefined;
if (!haveBinaries && everySuiteRequired)
  throw new Error("PostgreSQL binaries not found (REQUIRE_EVERY_SUITE=1)");
if (!haveBinaries)
  console.warn("skip: PostgreSQL binaries not found; the database process tests run in .ci/run");

let cluster: PostgresCluster;
const started: RunningServer[] = [];

beforeAll(async () => {
  requireApiBuilt();
  if (haveBinaries) cluster = await startPostgres();
}, 90_000);
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop("SIGKILL")));
  await cluster?.stop();
});

async function api(env: Record<string, string>, options: { readyPath?: string; timeoutMs?: number } = {}) {
  const server = await startApi({ env: { DATABASE_STATEMENT_TIMEOUT_MS: "1000", ...env }, ...options });
  started.push(server);
  return server;
}

async function post(server: RunningServer, text: string) {
  const res = await fetch(`${server.url}/notes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as { note?: Note; error?: string } };
}

/** Every note's id, page after page. */
async function listIds(server: RunningServer) {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const query: string = after === null ? "" : `&after=${after}`;
    const page = (await (await fetch(`${server.url}/notes?limit=100${query}`)).json()) as {
      notes: Note[];
      nextCursor: string | null;
    };
    ids.push(...page.notes.map((n) => n.id));
    after = page.nextCursor;
  } while (after !== null);
  return ids;
}

async function status(server: RunningServer, path: string) {
  const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Creates `n` notes, ten at a time; every one must be acknowledged with 201. Resolves with their ids. */
async function createAcknowledged(server: RunningServer, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, (_, j) => post(server, `durable ${i + j}`)),
    );
    for (const res of batch) {
      expect(res.status).toBe(201);
      ids.push(res.body.note!.id);
    }
  }
  return ids;
}

async function until(what: string, ms: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(100);
  }
}

describe.skipIf(!haveBinaries)("durability", () => {
  it("PostgreSQL: notes acknowledged with 201 are all there after SIGKILL and a restart", async () => {
    const url = await cluster.createDatabase();
    const first = await api({ DATABASE_URL: url });
    const ids = await createAcknowledged(first, 40);
    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });

    const second = await api({ DATABASE_URL: url });
    expect((await listIds(second)).sort()).toEqual(ids.sort());
  });

  it("PGlite (development): notes acknowledged with 201 are all there after SIGKILL and a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "api-pglite-"));
    try {
      // DATABASE_URL "" is unset: outside production that means PGlite, here in a directory of the test's own.
      const env = { NODE_ENV: "development", DATABASE_URL: "", PGLITE_DATA_DIR: dir };
      const first = await api(env, { timeoutMs: 60_000 });
      const welcome = await listIds(first); // a new directory starts with one welcome note
      expect(welcome).toHaveLength(1);
      const ids = await createAcknowledged(first, 20);
      first.child.kill("SIGKILL");
      await first.exited;

      const second = await api(env, { timeoutMs: 60_000 });
      expect((await listIds(second)).sort()).toEqual([...welcome, ...ids].sort());
      expect(await second.stop()).toEqual({ code: 0, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!haveBinaries)("PostgreSQL outages", () => {
  it("stopped under load: 503 JSON within the timeout, /ready 503, /health 200; recovers by itself", async () => {
    const server = await api({ DATABASE_URL: await cluster.createDatabase() });
    expect((await post(server, "before")).status).toBe(201);
    onTestFinished(() => ensureRunning(cluster));

    // Steady writes from ten clients while the database goes away and comes back: some are inside a transaction
    // (between its statements) when the connection drops, which must not crash the process either.
    const statuses: number[] = [];
    let writing = true;
    const writer = Promise.all(
      Array.from({ length: 10 }, async () => {
        while (writing) statuses.push((await post(server, "under load").catch(() => ({ status: 0 }))).status);
      }),
    );
    await sleep(300);
    cluster.kill(); // immediate mode: like a crash

    const during = await post(server, "while down"); // answered, not left hanging: the test's timeout bounds it
    expect(during).toEqual({
      status: 503,
      body: { error: "database_unavailable", message: "the database is unavailable; try again shortly" },
    });
    expect(await status(server, "/ready")).toMatchObject({
      status: 503,
      body: { error: "database_unavailable" },
    });
    expect((await status(server, "/notes")).status).toBe(503);
    expect(await status(server, "/health")).toEqual({ status: 200, body: { status: "ok" } });
    await sleep(500);
    expect(server.alive()).toBe(true);

    cluster.start();
    await until(
      "a 201 after PostgreSQL came back",
      15_000,
      async () => (await post(server, "after")).status === 201,
    );
    expect((await status(server, "/ready")).status).toBe(200);
    writing = false;
    await writer;
    expect(server.alive()).toBe(true);
    // Every answer was a 201 or a 503: no 500, no dropped connection.
    expect(new Set(statuses.filter((s) => s !== 201 && s !== 503))).toEqual(new Set());
    expect(statuses).toContain(503);
  }, 60_000);

  it("started while PostgreSQL is down: listening but not ready; ready once it appears", async () => {
    const url = await cluster.createDatabase();
    cluster.kill();
    try {
      const server = await api({ DATABASE_URL: url }, { readyPath: "/health" });
      expect(await status(server, "/ready")).toMatchObject({
        status: 503,
        body: { error: "database_unavailable" },
      });
      expect((await post(server, "too early")).status).toBe(503);
      cluster.start();
      await until("/ready 200", 15_000, async () => (await status(server, "/ready")).status === 200);
      expect((await post(server, "now")).status).toBe(201);
    } finally {
      ensureRunning(cluster);
    }
  }, 60_000);

  it("on SIGTERM drains, closes the pool and exits 0", async () => {
    const server = await api({ DATABASE_URL: await cluster.createDatabase(), LOG_LEVEL: "info" });
    expect((await post(server, "one")).status).toBe(201);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain("drained; bye");
  });
});

/** Starts the cluster again if a test stopped it and failed before starting it, so later tests still have it. */
function ensureRunning(c: PostgresCluster) {
  if (!existsSync(join(c.dir, "data", "postmaster.pid"))) c.start();
}

describe.skipIf(!haveBinaries)("migrations", () => {
  async function query<T>(url: string, text: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it("two API processes starting at once on an empty database both come up; the schema is applied once", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = await Promise.all([
      api({ DATABASE_URL: url, LOG_LEVEL: "info" }),
      api({ DATABASE_URL: url, LOG_LEVEL: "info" }),
    ]);
    const files = readdirSync(join(paths.repoRoot, "packages/db/migrations")).filter((f) =>
      f.endsWith(".sql"),
    );
    const applied = await query<{ n: string }>(url, "select count(*) as n from drizzle.__drizzle_migrations");
    expect(Number(applied[0]!.n)).toBe(files.length);
    // Neither had to retry: they took turns on the migration lock.
    for (const server of [a, b]) expect(server.output()).not.toContain("database not ready");
    expect((await post(a, "from a")).status).toBe(201);
    expect((await listIds(b)).length).toBe(1);
  });

  it("dist/migrate.mjs applies the migrations (to DATABASE_DIRECT_URL if set) and exits 0, again with nothing to do, and 1 when it can't", async () => {
    const url = await cluster.createDatabase();
    const migrate = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(paths.repoRoot, "apps/api/dist/migrate.mjs")], {
        env: { NODE_ENV: "production", ...env },
        encoding: "utf8",
        timeout: 30_000,
      });
    for (let i = 0; i < 2; i++) {
      const result = migrate({ DATABASE_URL: url });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain("migrations applied");
    }
    expect(await query(url, "select * from notes")).toEqual([]);
    // Behind a pooler: the migrations (and their session lock) go to DATABASE_DIRECT_URL, never DATABASE_URL.
    const direct = await cluster.createDatabase();
    const pooled = migrate({ DATABASE_URL: "postgres://app@127.0.0.1:1/none", DATABASE_DIRECT_URL: direct });
    expect(pooled.status, pooled.stderr).toBe(0);
    expect(await query(direct, "select * from notes")).toEqual([]);
    const down = migrate({ DATABASE_URL: "postgres://app@127.0.0.1:1/none" });
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/^api migrate: .*ECONNREFUSED/m);
    const unset = migrate({});
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain("DATABASE_URL: must be set when NODE_ENV=production");
  });
});

describe("the production build", () => {
  it("carries no PGlite: no WASM or data files, only the development branch's import specifiers", () => {
    const dist = join(paths.repoRoot, "apps/api/dist");
    const files = readdirSync(dist, { recursive: true, encoding: "utf8" });
    expect(files.filter((f) => /pglite|\.wasm$|\.data$|node_modules/i.test(f))).toEqual([]);
    for (const bundle of files.filter((f) => f.endsWith(".mjs"))) {
      const code = readFileSync(join(dist, bundle), "utf8");
      // Only the development branch names the packages, as dynamic import specifiers resolved from node_modules.
      const packages = code.match(/@electric-sql\/pglite|drizzle-orm\/pglite/g) ?? [];
      const specifiers =
        code.match(/import\("(@electric-sql\/pglite|drizzle-orm\/pglite(\/migrator)?)"\)/g) ?? [];
      expect(packages.length, `${bundle} names PGlite outside import("…")`).toBe(specifiers.length);
      // PGlite's own code loads these files; none of it is in the bundle.
      expect(code).not.toMatch(/pglite\.(wasm|data)/);
    }
    expect(files).toContain("migrate.mjs");
    expect(files).toContain(join("migrations", "meta", "_journal.json"));
  });
});
