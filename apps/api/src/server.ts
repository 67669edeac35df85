// Runs the app as a process: listens with the configured timeouts and, on SIGTERM, SIGINT or SIGHUP, drains
// (@repo/server/guard: /ready turns 503, the listener closes after SHUTDOWN_DELAY_MS, idle connections close at
// once, requests in flight finish, the database pool closes, exit 0). A listen error prints one line and exits 1.
// The database connects and migrates in the background: the API listens at once, /ready says when notes work.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createGuard, onSignals, serverOptions, type Log } from "@repo/server/guard";
import { createApp, type Readiness } from "./app.js";
import type { Env } from "./env.js";
import { createLogger } from "./logger.js";
import { openConnection } from "./db/connection.js";
import { Database } from "./db/database.js";

export function startServer(env: Env) {
  const logger = createLogger(env.LOG_LEVEL);
  const log: Log = (level, message) => logger[level](message);
  const database = new Database(openConnection(env, logger), { logger });
  void database.start();
  const readiness: Readiness = { ready: true, database: () => database.isReady() };
  const app = createApp({ store: database.store, logger, webOrigin: env.WEB_ORIGIN, readiness });

  const server = createServer(serverOptions(env), app);
  const guarded = createGuard(env, { name: "api", log, onDrained: () => database.close() });
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
