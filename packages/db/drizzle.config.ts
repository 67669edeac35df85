// `pnpm --filter @repo/db db:generate` diffs src/schema.ts against migrations/ and writes the SQL for what changed;
// `db:migrate` applies it to DATABASE_URL's server (DATABASE_DIRECT_URL's, past a pooler, when set). The API also
// applies the migrations when it starts.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema.ts",
  out: "./migrations",
  dbCredentials: { url: process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || "" },
});
