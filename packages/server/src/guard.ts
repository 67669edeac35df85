// How every server behaves under faults: one-line listen errors (exit 1), the header, request and keep-alive
// timeouts, and the drain on SIGTERM, SIGINT and SIGHUP, which never runs a request it cannot answer.
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ConfigError, type Lifecycle } from "./config.ts";

export type Log = (level: "info" | "error", message: string) => void;

/** Set while the process drains, for the web's /ready route (Next gives route handlers no server object). */
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
  /** Starts the drain; later calls do nothing. */
  shutdown(reason: string): void;
}

const processExit = (code: number) => process.exit(code);

/** Per connection: requests read and not yet answered, and whether its last response (Connection: close) is out. */
interface Connection {
  pending: number;
  closing: boolean;
}

/**
 * Guards the servers handed to `add`; `onDrained` runs once every request has finished, before exit 0.
 *
 * Why it takes the request handlers over: Node keeps parsing a connection until its socket is destroyed, so a
 * request read behind a response that closes the connection would run and never be answered (a phantom write).
 * From the signal on, the last request read on a connection gets `Connection: close`, nothing read after that
 * reaches the app, and idle connections are destroyed when the listener closes.
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
    // Its last response went out keep-alive: end once it is flushed (`closing` keeps later requests out).
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
    // write, end and flushHeaders all send headers through writeHead.
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
      // Nothing was handed to the app on an idle connection, so nothing is lost by closing it now.
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

/** Parses the configuration before anything listens: a bad variable prints one line and exits 1; other errors throw. */
export function configOrExit<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n`);
    return exit(1);
  }
}
