// drizzle-kit's settings: `pnpm --filter api db:generate` diffs the tables in @repo/db against migrations/ and
// writes the SQL for what changed. The files are committed, copied into dist/ by build.mjs, and applied at start
// (src/db/connection.ts) or by `pnpm --filter api db:migrate` (src/migrate.ts).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "../../packages/db/src/schema.ts",
  out: "./migrations",
});
