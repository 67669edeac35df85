// How both servers behave under faults, in one place (docs/servers.md lists the promises):
// - a listen error (port taken, bad host) prints one line and exits 1;
// - slow or idle clients are cut by the header, request and keep-alive timeouts;
// - SIGTERM, SIGINT and SIGHUP drain: /ready turns 503, after SHUTDOWN_DELAY_MS the listener closes, connections
//   with no request in flight close at once (after IDLE_GRACE_MS), requests in flight finish, then `onDrained` runs
//   (the API closes its database pool there) and the process exits 0, or they are cut after SHUTDOWN_TIMEOUT_MS
//   (exit 1); a second signal exits 1 at once.
import type { Server, ServerOptions } from "node:http";
import type { Socket } from "node:net";
import type { Lifecycle } from "./config.js";

export type Log = (level: "info" | "error", message: string) => void;

/** How long connections with no request in flight may stay open once the listener has closed. */
export const IDLE_GRACE_MS = 250;

/** Set while the process drains; the web's /ready route reads it (Next gives route handlers no server object). */
const draining = Symbol.for("@repo/contracts/server:draining");

export function isDraining(): boolean {
  return (globalThis as Record<symbol, unknown>)[draining] === true;
}

/** Options for http.createServer: the timeouts, checked every second rather than Node's default 30 s. */
export function serverOptions(env: Lifecycle): ServerOptions {
  return {
    headersTimeout: env.HEADERS_TIMEOUT_MS,
    requestTimeout: env.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: env.KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, env.HEADERS_TIMEOUT_MS || 1_000)),
  };
}

function listenFailure(err: NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string }) {
  const where = err.hostname ?? (err.port === undefined ? err.address : `${err.address}:${err.port}`);
  const why: Record<string, string> = {
    EADDRINUSE: "the port is already in use",
    EACCES: "permission denied (ports below 1024 need privileges)",
    EADDRNOTAVAIL: "no such address on this machine",
    ENOTFOUND: "the host name does not resolve",
    EAI_AGAIN: "the host name could not be resolved",
  };
  return `cannot listen on ${where ?? "the configured address"}: ${(err.code && why[err.code]) ?? err.message} (${err.code ?? "error"})`;
}

export interface Guarded {
  /** Starts the drain (what the signals call); later calls do nothing. */
  shutdown(reason: string): void;
}

const exit = (code: number) => process.exit(code);

/**
 * The timeouts, listen errors, connection tracking and drain for the servers handed to `add` (created, listening or
 * about to). `name` prefixes the one line a listen error prints; `onDrained` runs once every request has finished,
 * before exit 0 (still bounded by SHUTDOWN_TIMEOUT_MS).
 */
export function createGuard(
  env: Lifecycle,
  { name, log, onDrained }: { name: string; log: Log; onDrained?: () => Promise<void> },
): Guarded & { add(server: Server): void } {
  const servers: Server[] = [];
  /** Open connections and how many requests each has in flight. */
  const inFlight = new Map<Socket, number>();
  let stopping = false;

  const add = (server: Server) => {
    server.headersTimeout = env.HEADERS_TIMEOUT_MS;
    server.requestTimeout = env.REQUEST_TIMEOUT_MS;
    server.keepAliveTimeout = env.KEEP_ALIVE_TIMEOUT_MS;
    // Before anyone else's handler (Next prints a stack trace): one line, exit 1.
    server.prependListener("error", (err: NodeJS.ErrnoException) => {
      process.stderr.write(`${name}: ${listenFailure(err)}\n`);
      exit(1);
    });
    server.on("connection", (socket: Socket) => {
      inFlight.set(socket, 0);
      socket.once("close", () => inFlight.delete(socket));
    });
    // prependListener: runs before the app answers, so headers can still be set.
    server.prependListener("request", (req, res) => {
      const socket = req.socket;
      inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
      if (stopping) res.setHeader("Connection", "close");
      res.once("close", () => {
        const left = (inFlight.get(socket) ?? 1) - 1;
        inFlight.set(socket, left);
        if (stopping && left === 0) socket.end();
      });
    });
    servers.push(server);
  };

  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    (globalThis as Record<symbol, unknown>)[draining] = true;
    log(
      "info",
      `${reason}: draining (delay ${env.SHUTDOWN_DELAY_MS} ms, timeout ${env.SHUTDOWN_TIMEOUT_MS} ms)`,
    );
    setTimeout(() => {
      const left = [...inFlight.values()].filter((n) => n > 0).length;
      log("error", `${left} request(s) still running after ${env.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      for (const socket of inFlight.keys()) socket.destroy();
      exit(1);
    }, env.SHUTDOWN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS).unref();
    setTimeout(() => {
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      // Idle keep-alive connections and ones that never finished sending headers have no request to wait for.
      // A short grace first: a request a client wrote just before the signal may still be in the socket's buffer,
      // unparsed; it is answered (with Connection: close) instead of being reset.
      setTimeout(() => {
        for (const [socket, requests] of inFlight) if (requests === 0) socket.destroy();
      }, IDLE_GRACE_MS).unref();
      void Promise.all(closed)
        .then(() => onDrained?.())
        .then(
          () => {
            log("info", "drained; bye");
            exit(0);
          },
          (err: unknown) => {
            log("error", `drained, but cleaning up failed: ${String(err)}`);
            exit(1);
          },
        );
    }, env.SHUTDOWN_DELAY_MS).unref();
  };

  return { shutdown, add };
}

/** SIGTERM, SIGINT and SIGHUP start `guarded.shutdown`; a second signal exits 1 at once. */
export function onSignals(guarded: Guarded, { log }: { log: Log }) {
  let received: string | undefined;
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (received) {
        log("error", `${signal} after ${received}: exiting now, without draining`);
        exit(1);
        return;
      }
      received = signal;
      guarded.shutdown(signal);
    });
  }
}
