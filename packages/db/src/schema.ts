// A note, defined once. The Drizzle table is the source: drizzle-kit writes the SQL migrations from it
// (`pnpm --filter api db:generate`), the API's queries are typed by it, and the zod schemas below are derived from
// it with drizzle-zod, so a new column reaches the API's validation, its answers and the web's parsing by itself.
// docs/apps.md walks through adding a field.
import { getTableColumns } from "drizzle-orm";
import { bigint, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import { z } from "zod";

export const notes = pgTable("notes", {
  id: uuid("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  text: text("text").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  /** Insertion order, and the list's cursor: notes list oldest first, two created in the same millisecond too. */
  seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull().unique(),
});

/** The columns a note is made of, as the API sends it: all but `seq`, which is the store's business. */
export const noteColumns = (({ seq: _seq, ...columns }) => columns)(getTableColumns(notes));

export const NOTE_MAX_CODE_POINTS = 280;

/**
 * Characters that show nothing on their own: whitespace, controls, format characters (bidi controls, zero-width
 * joiners, the BOM), default-ignorable ones (Hangul fillers, variation selectors), combining marks with no base,
 * and the blank braille pattern.
 */
const invisible = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]/gu;

/** Note text: trimmed, then at least one visible character, at most 280 code points, no NUL, no lone surrogate. */
export const noteText = z
  .string({ error: "must be a string" })
  .trim()
  .superRefine((text, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (text === "") return fail("must not be empty");
    // With the u flag, a surrogate pair is one code point: only a lone half matches.
    if (/[\uD800-\uDFFF]/u.test(text)) return fail("must not contain a lone surrogate");
    if (text.includes("\0")) return fail("must not contain NUL");
    if (text.replace(invisible, "") === "") return fail("must contain a visible character");
    // Code points, not UTF-16 units: an emoji counts once.
    if ([...text].length > NOTE_MAX_CODE_POINTS)
      return fail(`must be at most ${NOTE_MAX_CODE_POINTS} characters`);
  });

/**
 * What a client sends to create a note (the body of POST /notes, the fields of the web's form): every column the
 * database doesn't fill in itself (drizzle-zod already leaves out the identity column `seq`), with the text rules on `text`. Unknown fields are refused, not dropped.
 */
export const noteInput = createInsertSchema(notes, { text: noteText })
  .omit({ id: true, createdAt: true })
  .strict();

/**
 * `schema` (an object schema read from JSON) with each of `columns` that has a plain default (a value, not SQL)
 * optional, read as that default when missing: during a rolling deploy the web can be one migration ahead of the
 * API, and then reads a new field as the value the database would have given it.
 */
export function defaultsWhenMissing<S extends z.ZodObject>(
  schema: S,
  columns: Record<string, { default?: unknown }>,
): S {
  const filled = Object.entries(columns).flatMap(([key, column]) => {
    const field: z.ZodType | undefined = (schema.shape as Record<string, z.ZodType>)[key];
    const plain = ["string", "number", "boolean"].includes(typeof column.default);
    return plain && field ? [[key, field.default(column.default)] as const] : [];
  });
  return schema.extend(Object.fromEntries(filled)) as unknown as S;
}

/** A note as the API sends it (JSON: `createdAt` is an ISO 8601 string). */
export const note = defaultsWhenMissing(
  createSelectSchema(notes, { createdAt: z.iso.datetime() }).omit({ seq: true }),
  noteColumns,
);

/** GET /notes: one page, oldest first, and the cursor of the next page (null on the last). */
export const notePage = z.object({ notes: z.array(note), nextCursor: z.string().nullable() });

export const noteBody = z.object({ note });

/** A note as the API sends it. */
export type Note = z.infer<typeof note>;
export type NoteInput = z.infer<typeof noteInput>;
export type NotePage = z.infer<typeof notePage>;
/** A note as the database returns it (`createdAt` a Date). */
export type NoteRow = Omit<typeof notes.$inferSelect, "seq">;
