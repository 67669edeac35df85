// How both servers behave under faults, in one place (docs/servers.md lists the promises):
// - a listen error (port taken, bad host) prints one line and exits 1;
// - slow or idle clients are cut by the header, request and keep-alive timeouts;
// - SIGTERM, SIGINT and SIGHUP drain: /ready turns 503 and responses end their connections (Connection: close),
//   after SHUTDOWN_DELAY_MS the listener closes, connections with no request in flight close at once, requests in
//   flight finish, then `onDrained` runs (the API closes its database pool there) and the process exits 0, or they
//   are cut after SHUTDOWN_TIMEOUT_MS (exit 1); a second signal exits 1 at once. No request is executed that the
//   drain would leave unanswered (createGuard says how).
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ConfigError, type Lifecycle } from "./config";

export type Log = (level: "info" | "error", message: string) => void;

/** Set while the process drains; the web's /ready route reads it (Next gives route handlers no server object). */
const draining = Symbol.for("@repo/server/guard:draining");

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

const processExit = (code: number) => process.exit(code);

/** Per connection: requests read and not yet answered, and whether its last response (Connection: close) is out. */
interface Connection {
  pending: number;
  closing: boolean;
}

/**
 * The timeouts, listen errors, connection tracking and drain for the servers handed to `add` (created, with their
 * request handler attached, listening or about to). `name` prefixes the one line a listen error prints;
 * `onDrained` runs once every request has finished, before exit 0 (still bounded by SHUTDOWN_TIMEOUT_MS).
 *
 * The drain never executes a request it cannot answer. How Node 22 behaves (lib/_http_server.js and
 * lib/_http_outgoing.js): a response whose `shouldKeepAlive` is false gets `Connection: close` and `_last`, and
 * `resOnFinish` then calls `socket.destroySoon()`: the write side ends once the response is flushed. Until the socket
 * is destroyed its parser keeps reading, and every request it parses (pipelined, or written by a client that had not
 * seen the close yet) is emitted as 'request' and queued behind a response that ends the connection: executed, never
 * answered. So:
 * - from the signal on, the response to the LAST request read on a connection gets `Connection: close` when its
 *   headers are written (earlier pipelined ones stay keep-alive, or Node would drop the answers queued behind them);
 * - a request read on a connection after its closing response was written is not handed to the app (the guard is
 *   the server's only 'request' listener and calls the app's handlers itself); the client sees the connection close
 *   without an answer, and nothing happened;
 * - connections are never `end()`ed while their parser can deliver requests: idle ones are destroyed (which drops
 *   unread input) when the listener closes (`server.close()` closes idle connections too, `closeIdleConnections`),
 *   and Node closes the others after their `Connection: close` response.
 */
export function createGuard(
  env: Lifecycle,
  {
    name,
    log,
    onDrained,
    exit = processExit,
  }: {
    name: string;
    log: Log;
    onDrained?: () => Promise<void>;
    /** for tests */ exit?: (code: number) => void;
  },
): Guarded & { add(server: Server): void } {
  const servers: Server[] = [];
  const connections = new Map<Socket, Connection>();
  let stopping = false;
  let listenerClosed = false;

  /** A connection with nothing in flight once the listener is closed: close it, discarding anything unread. */
  const closeIfIdle = (socket: Socket, connection: Connection) => {
    if (!listenerClosed || connection.pending > 0 || connection.closing) return;
    connection.closing = true;
    // Its last response was written keep-alive (before the signal): end after it is flushed; no request read
    // meanwhile reaches the app (`closing`).
    if (socket.writableLength > 0) socket.destroySoon();
    else socket.destroy();
  };

  const admit = (req: IncomingMessage, res: ServerResponse): boolean => {
    const socket = req.socket;
    const connection = connections.get(socket);
    if (!connection) return true; // not accepted through this server's 'connection' event (tests' emit)
    if (connection.closing) return false;
    connection.pending++;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    // Every way of sending headers (writeHead, write, end, flushHeaders) goes through writeHead.
    res.writeHead = (...args: unknown[]) => {
      if (stopping && connection.pending === 1) {
        if (!res.headersSent) res.setHeader("Connection", "close");
        res.shouldKeepAlive = false;
        connection.closing = true;
      }
      return writeHead(...args);
    };
    res.once("close", () => {
      connection.pending--;
      closeIfIdle(socket, connection);
    });
    return true;
  };

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
      connections.set(socket, { pending: 0, closing: false });
      socket.once("close", () => connections.delete(socket));
    });
    // The guard decides whether a request reaches the app at all, so it takes the handlers over.
    const handlers = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      if (!admit(req, res)) return;
      for (const handler of handlers) handler.call(server, req, res);
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
      const left = [...connections.values()].filter((c) => c.pending > 0).length;
      log("error", `${left} request(s) still running after ${env.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      for (const socket of connections.keys()) socket.destroy();
      exit(1);
    }, env.SHUTDOWN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS).unref();
    setTimeout(() => {
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      listenerClosed = true;
      // Idle keep-alive connections, ones that never finished sending headers and silent ones: nothing was handed
      // to the app on them, so nothing is lost by closing them now.
      for (const [socket, connection] of connections) closeIfIdle(socket, connection);
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
const exit = processExit;
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

/**
 * Parses the configuration before anything listens: a bad variable prints one line naming every bad variable
 * (`<name>: invalid configuration: …`) and exits 1. Any other error is not a configuration error: it is thrown.
 */
export function configOrExit<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n`);
    return exit(1);
  }
}
