// Runs the app as a process: listens with the configured timeouts and, on SIGTERM, SIGINT or SIGHUP, drains
// (@repo/contracts/server: /ready turns 503, the listener closes after SHUTDOWN_DELAY_MS, idle connections close at
// once, requests in flight finish, exit 0). A listen error prints one line and exits 1.
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createGuard, onSignals, serverOptions, type Log } from "@repo/contracts/server";
import { createServer, type Readiness } from "./app.js";
import type { Env } from "./env.js";
import { createLogger } from "./logger.js";
import { MemoryNoteStore } from "./store.js";

export function startServer(env: Env) {
  const logger = createLogger(env.LOG_LEVEL);
  const log: Log = (level, message) => logger[level](message);
  const readiness: Readiness = { ready: true };
  const store = new MemoryNoteStore(env.NOTES_LIMIT);
  // One note to start with, so a fresh `pnpm dev` shows data that came from the API.
  void store.create("Hello from the API: this note was fetched by the web server while rendering the page.");
  const app = createServer({ store, logger, webOrigin: env.WEB_ORIGIN, readiness });

  const server = createHttpServer(serverOptions(env), app);
  const guarded = createGuard(env, { name: "api", log });
  guarded.add(server);
  onSignals(
    {
      shutdown(reason) {
        readiness.ready = false;
        guarded.shutdown(reason);
      },
    },
    { log },
  );
  server.listen(env.API_PORT, env.API_HOST, () => {
    const { address, port } = server.address() as AddressInfo;
    logger.info({ address, port }, `api listening on http://${address}:${port}`);
  });
  return server;
}
