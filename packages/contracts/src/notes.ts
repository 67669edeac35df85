// The bodies the API sends and accepts. The API validates requests with these; the web parses every API answer
// with them, so a changed or broken API shows up as one clear error instead of a cast that lies.
import { z } from "zod";

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

/** POST /notes body. */
export const noteInput = z.strictObject({ text: noteText });

export const note = z.object({
  id: z.string().min(1),
  text: z.string(),
  createdAt: z.iso.datetime(),
});

export const noteBody = z.object({ note });
export const noteList = z.object({ notes: z.array(note) });

/** GET /ready's answer while the API takes traffic (503 with a problem body otherwise). */
export const readyBody = z.object({ status: z.literal("ready") });

/** Every error body: a stable machine-readable code plus a sentence for people. */
export const problem = z.looseObject({ error: z.string().min(1), message: z.string() });

export type Note = z.infer<typeof note>;
export type NoteInput = z.infer<typeof noteInput>;
export type Problem = z.infer<typeof problem>;

/** A 400 body for a failed parse: the first issue as the message ("text must not be empty"), all of them listed. */
export function validationProblem(error: z.ZodError) {
  const issues = error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
  const first = issues[0] ?? { field: "(body)", message: "is invalid" };
  return { error: "validation_failed", message: `${first.field} ${first.message}`, issues };
}
