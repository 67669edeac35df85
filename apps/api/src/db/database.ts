// The database's lifecycle in the server: connect and migrate in the background (retrying until the database is
// there, so the API starts and answers /health even when it isn't), report readiness, turn connection failures
// into DatabaseUnavailableError (503, not 500), and close on shutdown.
import type { Logger } from "../logger.js";
import { DatabaseUnavailableError, type NoteStore } from "../store.js";
import type { Connection } from "./connection.js";
import { SqlNoteStore } from "./store.js";

/** Node's network errors: nothing answered. */
const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

/**
 * True when `err` (or what it wraps: Drizzle wraps driver errors) means the database is unreachable, overloaded,
 * shutting down or too slow, rather than a mistake in a query. SQLSTATE classes: 08 connection exception,
 * 53 insufficient resources, 57 operator intervention (57014: statement timeout; 57P01: shutdown), 28 invalid
 * authorisation, 3D000 no such database.
 */
export function isUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      if (networkCodes.has(code) || /^(08|53|57|28)/.test(code) || code === "3D000") return true;
      continue;
    }
    // node-postgres' own errors carry no code: timeouts and lost connections.
    if (/timeout|terminated|not queryable|connection|pool after calling end/i.test(e.message)) return true;
  }
  return false;
}

export class Database {
  #connection: Connection | undefined;
  #store: SqlNoteStore | undefined;
  #migrated = false;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  #started: Promise<void> | undefined;
  /** The notes, or DatabaseUnavailableError until migrations are applied and while the database is unreachable. */
  readonly store: NoteStore;

  constructor(
    private readonly open: () => Promise<Connection>,
    private readonly options: { logger: Logger },
  ) {
    const guarded = async <T>(call: (store: SqlNoteStore) => Promise<T>): Promise<T> => {
      if (!this.#migrated || !this.#connection) throw new DatabaseUnavailableError();
      this.#store ??= new SqlNoteStore(this.#connection.db);
      try {
        return await call(this.#store);
      } catch (err) {
        throw isUnavailable(err) ? new DatabaseUnavailableError({ cause: err }) : err;
      }
    };
    this.store = {
      list: (page) => guarded((s) => s.list(page)),
      get: (id) => guarded((s) => s.get(id)),
      create: (input) => guarded((s) => s.create(input)),
      remove: (id) => guarded((s) => s.remove(id)),
    };
  }

  /** Connects and migrates in the background; resolves once migrated (or closed). Retries with backoff. */
  start(): Promise<void> {
    this.#started ??= new Promise<void>((resolve) => {
      let delay = 250;
      const attempt = async () => {
        if (this.#closed) return resolve();
        try {
          this.#connection ??= await this.open();
          await this.#connection.migrate();
          this.#migrated = true;
          this.options.logger.info("database ready: migrations applied");
          resolve();
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.options.logger[isUnavailable(err) ? "warn" : "error"](
            { err: message, retryInMs: delay },
            "database not ready",
          );
          if (this.#closed) return resolve();
          this.#retry = setTimeout(() => void attempt(), delay);
          delay = Math.min(delay * 2, 5_000);
        }
      };
      void attempt();
    });
    return this.#started;
  }

  /** Migrated, and answering now. */
  async isReady(): Promise<boolean> {
    if (!this.#migrated || !this.#connection) return false;
    try {
      await this.#connection.ping();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#connection?.close();
  }
}
