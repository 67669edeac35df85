// The table is the source: drizzle-kit writes the migrations from it (`pnpm --filter @repo/db db:generate`) and
// drizzle-zod derives the schemas below, so a new column reaches the API's validation and the web's parsing.
import { bigint, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import { z } from "zod";

export const notes = pgTable("notes", {
  id: uuid("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  text: text("text").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  /** Insertion order: the page cursor (two rows created in the same millisecond still have an order). */
  seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
});

// Characters that show nothing on their own: whitespace, controls, format and default-ignorable characters,
// combining marks with no base, the blank braille pattern.
const invisible = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]/gu;

const noteText = z
  .string({ error: "must be a string" })
  .trim()
  .superRefine((text, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (text === "") return fail("must not be empty");
    // With the u flag a surrogate pair is one code point, so only a lone half matches.
    if (/[\uD800-\uDFFF]/u.test(text)) return fail("must not contain a lone surrogate");
    if (text.includes("\0")) return fail("must not contain NUL");
    if (text.replace(invisible, "") === "") return fail("must contain a visible character");
    // Code points, not UTF-16 units: an emoji counts once.
    if ([...text].length > 280) return fail("must be at most 280 characters");
  });

/** What creating one takes: the columns the database doesn't fill in. Unknown fields are refused. */
export const noteInput = createInsertSchema(notes, { text: noteText })
  .omit({ id: true, createdAt: true })
  .strict();

/** As the API sends it (JSON: `createdAt` is an ISO 8601 string). */
export const note = createSelectSchema(notes, { createdAt: z.iso.datetime() }).omit({ seq: true });
export const notePage = z.object({ notes: z.array(note), nextCursor: z.string().nullable() });
export const noteBody = z.object({ note });

export type Note = z.infer<typeof note>;
export type NoteInput = z.infer<typeof noteInput>;
export type NotePage = z.infer<typeof notePage>;

/** The first row of a new development database, so a fresh `pnpm dev` shows data that came from the API. */
export const devSeed = {
  table: notes,
  rows: [{ text: "Hello from the API: the web server fetched this while rendering the page." }],
};
