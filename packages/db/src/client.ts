// One Drizzle database on either driver: node-postgres on a PostgreSQL server (DATABASE_URL), or PGlite, PostgreSQL
// compiled to WASM, in a local directory for development. Same queries and migrations on both.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import { devSeed } from "./schema.ts";

export type Db = PgDatabase<PgQueryResultHKT>;

export interface Database {
  db: Db;
  /** Applies the migrations not applied yet; replicas starting together take turns. */
  migrate(): Promise<void>;
  /** Rejects unless the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; without it, PGlite in `pgliteDir` ("memory://" keeps nothing). */
  url?: string;
  /** migrate()'s URL when `url` is a transaction-mode pooler (PgBouncer): its session-level lock needs the server. */
  migrationUrl?: string;
  pgliteDir?: string;
  poolMax?: number;
  /** Bounds a query and the wait for a connection, so an unreachable server can't hang a request. */
  timeoutMs?: number;
  /** A pooled connection broke (server restart, failover); the next query opens a new one. */
  onConnectionError?: (err: Error) => void;
}

// From source this package's folder; bundled into an app, the folder its build copies beside the bundle.
const migrationsFolder = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "../migrations" : "./migrations", import.meta.url),
);

const MIGRATION_LOCK = 727_000;

export async function openDatabase({
  url,
  migrationUrl = url,
  pgliteDir = "memory://",
  poolMax = 10,
  timeoutMs = 5_000,
  onConnectionError = () => {},
}: DatabaseOptions): Promise<Database> {
  if (!url) {
    // Development only: dynamic imports, which the API's bundle leaves out, so production carries no PGlite.
    const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("drizzle-orm/pglite"),
      import("drizzle-orm/pglite/migrator"),
    ]);
    let fresh = !pgliteDir.startsWith("memory://") && !existsSync(join(pgliteDir, "PG_VERSION"));
    // Starts in the background (seconds: it compiles the WASM); queries wait for it.
    const client = new PGlite(pgliteDir);
    const db = drizzlePglite({ client });
    return {
      db,
      async migrate() {
        await client.waitReady;
        await migratePglite(db, { migrationsFolder });
        if (fresh) await db.insert(devSeed.table).values(devSeed.rows);
        fresh = false;
      },
      ping: () => client.query("select 1").then(() => {}),
      close: () => client.close(),
    };
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
  });
  // Without these listeners a connection dropped by the server, idle or between two queries, crashes the process.
  pool.on("error", onConnectionError);
  pool.on("connect", (client) => client.on("error", onConnectionError));
  return {
    db: drizzle({ client: pool }),
    async migrate() {
      // A session of its own without the statement timeout: waiting for another replica's migration is expected.
      const client = new pg.Client({
        connectionString: migrationUrl,
        connectionTimeoutMillis: timeoutMs,
      });
      client.on("error", onConnectionError);
      await client.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
        await migrate(drizzle({ client }), { migrationsFolder });
      } finally {
        await client.end(); // ending the session releases the lock
      }
    },
    ping: () => pool.query("select 1").then(() => {}),
    close: () => pool.end(),
  };
}

const networkErrors =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)$/;

/**
 * True when `err` (or an error it wraps) says the database is unreachable, overloaded, shutting down or too slow,
 * rather than a query being wrong. SQLSTATE classes 08 connection, 28 authorisation, 53 resources, 57 operator
 * intervention (timeouts, shutdown); 3D000 no such database.
 */
export function isUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      if (networkErrors.test(code) || /^(08|28|53|57)/.test(code) || code === "3D000") return true;
    } else if (/\b(timeout|terminated|not queryable|connection)\b|pool after calling end/i.test(e.message)) {
      return true; // node-postgres' own errors carry no code
    }
  }
  return false;
}
