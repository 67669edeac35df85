// Applies the migrations and exits: dist/migrate.mjs in the runtime tree (a pre-deploy job: `node migrate.mjs` with
// DATABASE_URL set), `pnpm --filter api db:migrate` in development (DATABASE_URL's server, else the PGlite dir).
// The server applies them at start too; both take the same advisory lock, so running both is safe.
import { configOrExit } from "@repo/server/guard";
import { loadEnv } from "./env.js";
import { createLogger } from "./logger.js";
import { openConnection } from "./db/connection.js";

const env = configOrExit("api migrate", loadEnv);
const logger = createLogger(env.LOG_LEVEL);
const connection = await openConnection(env, logger)();
try {
  await connection.migrate();
  logger.info("migrations applied");
} catch (err) {
  process.stderr.write(`api migrate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await connection.close();
}
