// dist/migrate.mjs: applies the migrations and exits, for a pre-deploy job (`node migrate.mjs` with DATABASE_URL,
// and DATABASE_DIRECT_URL behind a pooler). The server applies them at start too; both take the same lock.
import { openDatabase } from "@repo/db/client";
import { configOrExit } from "@repo/server/guard";
import { loadEnv } from "./env.ts";

const env = configOrExit("api migrate", loadEnv);
const database = await openDatabase({
  url: env.DATABASE_URL,
  migrationUrl: env.DATABASE_DIRECT_URL,
  pgliteDir: env.PGLITE_DATA_DIR,
});
try {
  await database.migrate();
  process.stdout.write("api migrate: migrations applied\n");
} catch (err) {
  process.stderr.write(`api migrate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
