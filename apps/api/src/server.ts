// Runs the app as a process: listens, and on SIGTERM/SIGINT shuts down gracefully —
// /ready turns 503, the listener closes (after SHUTDOWN_DELAY_MS), in-flight requests finish, exit 0.
import type { AddressInfo } from "node:net";
import { createServer, type Readiness } from "./app.js";
import type { Env } from "./env.js";
import { createLogger } from "./logger.js";
import { MemoryNoteStore } from "./store.js";

export function startServer(env: Env) {
  const logger = createLogger(env.LOG_LEVEL);
  const readiness: Readiness = { ready: true };
  const store = new MemoryNoteStore(env.NOTES_LIMIT);
  // One note to start with, so a fresh `pnpm dev` shows data that came from the API.
  void store.create("Hello from the API: this note was fetched by the web server while rendering the page.");
  const app = createServer({ store, logger, webOrigin: env.WEB_ORIGIN, readiness });

  const server = app.listen(env.API_PORT, env.API_HOST, () => {
    const { address, port } = server.address() as AddressInfo;
    logger.info({ address, port }, `api listening on http://${address}:${port}`);
  });
  server.on("error", (err) => {
    logger.fatal({ err }, "could not listen");
    process.exit(1);
  });
  // Keep-alive sockets shouldn't hold the process open after a drain; tell clients to close them.
  // prependListener: this must run before Express answers, or setting a header throws.
  server.prependListener("request", (_req, res) => {
    if (!readiness.ready) res.setHeader("Connection", "close");
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    readiness.ready = false;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger.error({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, "in-flight requests did not finish in time");
      server.closeAllConnections();
      process.exit(1);
    }, env.SHUTDOWN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    setTimeout(() => {
      server.close(() => {
        logger.info("drained; bye");
        process.exit(0);
      });
      server.closeIdleConnections();
    }, env.SHUTDOWN_DELAY_MS);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  return server;
}
