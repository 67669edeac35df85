"use server";
// The page's writes, as Server Actions: each form posts to this web server (multipart, to the page's own URL),
// Next checks that the request's Origin is this server's host (refusing cross-site posts) and caps the body
// (next.config.ts: serverActions), and the action calls the API. With JavaScript the form submits in the
// background; without it the browser posts the form and gets the page back. Visitors only ever see the API's
// validation message or a generic sentence; causes go to the server log.
import { validationProblem } from "@repo/contracts/http";
import { noteInput } from "@repo/db/schema";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { ApiError, createNote, deleteNote } from "@/lib/api";

/** What a form shows after an action: the error, and what was typed so nothing is lost. */
export interface FormState {
  error?: string;
  values?: Record<string, string>;
}

const GENERIC = "something went wrong on our side; try again";

/** The form's fields as they were posted: text fields only (Next's own `$ACTION_…` fields are not ours). */
function fields(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string" && !key.startsWith("$ACTION")) values[key] = value;
  }
  return values;
}

/** The sentence a visitor sees for a failed call: the API's own for a 4xx or the unavailable panel, else generic. */
function visitorMessage(action: string, err: unknown): string {
  if (err instanceof ApiError) return err.message;
  console.error(`web: ${action}:`, err);
  return GENERIC;
}

/** Creates a note from every field of the form, then shows the first page again (a fresh GET: reloading is safe). */
export async function createNoteAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = fields(formData);
  const input = noteInput.safeParse(values);
  if (!input.success) return { error: validationProblem(input.error).message, values };
  try {
    await createNote(input.data);
  } catch (err) {
    return { error: visitorMessage("create note", err), values };
  }
  redirect("/");
}

/** Deletes the note named by the form's `id` field; one already gone counts as deleted. */
export async function deleteNoteAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const id = formData.get("id");
  if (typeof id !== "string" || id === "") return { error: "which note? the form sent no id" };
  try {
    await deleteNote(id);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404))
      return { error: visitorMessage("delete note", err) };
  }
  revalidatePath("/");
  return {};
}
