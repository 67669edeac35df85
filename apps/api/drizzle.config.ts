// drizzle-kit's settings: `pnpm --filter api db:generate` writes the SQL for schema changes into migrations/.
// The files are committed, copied into dist/ by build.mjs, and applied at start (src/db/migrate.ts).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
