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

const noteAsSent = createSelectSchema(notes, { createdAt: z.iso.datetime() }).omit({ seq: true });

/**
 * A note as the API sends it (JSON: `createdAt` is an ISO 8601 string). A column with a plain default (a value,
 * not SQL) may be missing from an answer: during a rolling deploy the web can be one migration ahead of the API,
 * and reads such a field as the default the database would have given it.
 */
export const note = noteAsSent.extend(
  Object.fromEntries(
    Object.entries(noteColumns).flatMap(([key, column]) => {
      const fallback: unknown = column.default;
      const plain = ["string", "number", "boolean"].includes(typeof fallback);
      const field = noteAsSent.shape[key as keyof typeof noteAsSent.shape];
      return plain ? [[key, field.default(fallback as never)]] : [];
    }),
  ),
) as unknown as typeof noteAsSent;

/** GET /notes: one page, oldest first, and the cursor of the next page (null on the last). */
export const notePage = z.object({ notes: z.array(note), nextCursor: z.string().nullable() });

export const noteBody = z.object({ note });

/** A note as the API sends it. */
export type Note = z.infer<typeof note>;
export type NoteInput = z.infer<typeof noteInput>;
export type NotePage = z.infer<typeof notePage>;
/** A note as the database returns it (`createdAt` a Date). */
export type NoteRow = Omit<typeof notes.$inferSelect, "seq">;
