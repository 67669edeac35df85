// Where the notes live: a PostgreSQL server (DATABASE_URL) through a node-postgres pool, or, in development, PGlite
// (PostgreSQL compiled to WASM, in this process) in a directory. Both give the same Drizzle database and migrations.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Env } from "../env.js";
import type { Logger } from "../logger.js";
import { notes } from "@repo/db/schema";
import type { Db } from "./store.js";

/** The SQL migrations: apps/api/migrations from source, dist/migrations in the built tree (build.mjs copies them). */
export const migrationsFolder = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "../../migrations" : "./migrations", import.meta.url),
);

/** PGlite's directory when PGLITE_DATA_DIR is unset: apps/api/.data (git-ignored), from src/ and from dist/. */
export const defaultPgliteDir = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "../../.data" : "../.data", import.meta.url),
);

export interface Connection {
  db: Db;
  /** Applies the migrations not yet applied; safe to run from several processes at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a query, rejects when it doesn't (within the timeout). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Session-level advisory lock held while migrating: replicas starting together take turns, the first applies. */
const MIGRATION_LOCK = 727_000;

export interface PostgresOptions {
  url: string;
  poolMax: number;
  /** Bounds waiting for a connection, the server's statement_timeout, and the client's wait for an answer. */
  timeoutMs: number;
  logger: Logger;
}

export function connectPostgres({ url, poolMax, timeoutMs, logger }: PostgresOptions): Connection {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
    application_name: "api",
  });
  // An idle connection dropped by the server (restart, failover) emits 'error' on the pool; unhandled, it would
  // crash the process. The pool has already discarded the connection; the next query opens a new one.
  pool.on("error", (err) => logger.warn({ err: err.message }, "database connection lost"));
  // A connection checked out but between two queries (inside a transaction) emits 'error' on its client, where the
  // pool isn't listening: without this listener that too would crash the process. The query that follows fails
  // (503), and the pool drops the broken connection when it is released.
  pool.on("connect", (client) => {
    client.on("error", (err) => logger.warn({ err: err.message }, "database connection lost (in use)"));
  });
  const db = drizzle({ client: pool });

  return {
    db,
    async migrate() {
      // Its own connection, without the statement timeout: waiting for another replica's migration is expected,
      // and a migration may take longer than any request should.
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: timeoutMs,
        keepAlive: true,
      });
      client.on("error", (err) => logger.warn({ err: err.message }, "migration connection lost"));
      await client.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
        await migrate(drizzle({ client }), { migrationsFolder });
      } finally {
        // Ending the session releases the lock.
        await client.end();
      }
    },
    async ping() {
      await pool.query("select 1");
    },
    close: () => pool.end(),
  };
}

const WELCOME = "Hello from the API: this note was fetched by the web server while rendering the page.";

/**
 * PGlite in `dir` ("memory://…" keeps nothing). Development only: the package is a devDependency, loaded here with
 * dynamic imports that build.mjs leaves out of the bundle, so the production build carries none of it.
 * A new directory starts with one welcome note, so a fresh `pnpm dev` shows data that came from the API.
 */
export async function openPglite(dir: string): Promise<Connection> {
  const inMemory = dir.startsWith("memory://");
  let fresh = inMemory || !existsSync(join(dir, "PG_VERSION"));
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  const client = await PGlite.create(dir);
  const db = drizzlePglite({ client });
  return {
    db,
    async migrate() {
      await migratePglite(db, { migrationsFolder });
      if (fresh && !inMemory) await db.insert(notes).values({ text: WELCOME });
      fresh = false;
    },
    async ping() {
      await client.query("select 1");
    },
    close: () => client.close(),
  };
}

/** DATABASE_URL's server, else PGlite (env.ts has refused a production start without DATABASE_URL). */
export function openConnection(env: Env, logger: Logger): () => Promise<Connection> {
  const url = env.DATABASE_URL;
  if (url === undefined) {
    const dir = env.PGLITE_DATA_DIR ?? defaultPgliteDir;
    logger.info({ dir }, "DATABASE_URL is unset: using PGlite (development only)");
    return () => openPglite(dir);
  }
  const connection = connectPostgres({
    url,
    poolMax: env.DATABASE_POOL_MAX,
    timeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    logger,
  });
  return () => Promise.resolve(connection);
}
