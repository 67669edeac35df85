// The HTTP bodies every app shares: /ready's answer and the error body. Domain bodies (a note, a page of notes)
// are derived from the database table in @repo/db/schema.
import { z } from "zod";

/** GET /ready's answer while an app takes traffic (503 with a problem body otherwise). */
export const readyBody = z.object({ status: z.literal("ready") });

/** Every error body: a stable machine-readable code plus a sentence for people. */
export const problem = z.looseObject({ error: z.string().min(1), message: z.string() });

export type Problem = z.infer<typeof problem>;

/** A 400 body for a failed parse: the first issue as the message ("text must not be empty"), all of them listed. */
export function validationProblem(error: z.ZodError) {
  const issues = error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
  const first = issues[0] ?? { field: "(body)", message: "is invalid" };
  return { error: "validation_failed", message: `${first.field} ${first.message}`, issues };
}
