// The process: a bad variable exits 1 naming every bad one; the API listens at once (/health), connects and
// migrates in the background until the database answers (/ready), and drains on SIGTERM, SIGINT or SIGHUP.
import { createServer } from "node:http";
import { openDatabase } from "@repo/db/client";
import { configOrExit, createGuard, onSignals, serverOptions, type Log } from "@repo/server/guard";
import { pino } from "pino";
import { createApp, type Status } from "./app.ts";
import { loadEnv } from "./env.ts";

const env = configOrExit("api", loadEnv);
const logger = pino({ level: env.LOG_LEVEL });
const log: Log = (level, message) => logger[level](message);

if (!env.DATABASE_URL) logger.info({ dir: env.PGLITE_DATA_DIR }, "DATABASE_URL is unset: using PGlite");
const database = await openDatabase({
  url: env.DATABASE_URL,
  migrationUrl: env.DATABASE_DIRECT_URL,
  pgliteDir: env.PGLITE_DATA_DIR,
  poolMax: env.DATABASE_POOL_MAX,
  timeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
  onConnectionError: (err) => logger.warn({ err: err.message }, "database connection lost"),
});

const status: Status = { migrated: false, draining: false };
let retry: NodeJS.Timeout | undefined;
async function migrate(delayMs = 250) {
  try {
    await database.migrate();
    status.migrated = true;
    logger.info("database ready: migrations applied");
  } catch (err) {
    logger.warn({ err: String(err), retryInMs: delayMs }, "database not ready");
    retry = setTimeout(() => void migrate(Math.min(delayMs * 2, 5_000)), delayMs);
  }
}
void migrate();

const server = createServer(serverOptions(env), createApp({ database, logger, status }));
const guard = createGuard(env, {
  name: "api",
  log,
  onDrained: () => {
    clearTimeout(retry);
    return database.close();
  },
});
guard.add(server);
onSignals(
  {
    shutdown(reason) {
      status.draining = true;
      guard.shutdown(reason);
    },
  },
  { log },
);
server.listen(env.API_PORT, env.API_HOST, () =>
  logger.info(`api listening on ${env.API_HOST}:${env.API_PORT}`),
);
