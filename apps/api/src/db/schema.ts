// The database schema, in TypeScript: drizzle-kit diffs this file against migrations/ to write the next SQL
// migration (`pnpm --filter api db:generate`), and the store's queries are typed by it.
import { bigint, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const notes = pgTable("notes", {
  id: uuid("id").primaryKey(),
  text: text("text").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  /** Insertion order: notes list oldest first, and two notes created in the same millisecond still sort. */
  seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
});
