"use server";
// The page's writes: each form posts to the page's own URL (so it works without JavaScript) and the action calls the
// API. Visitors see the API's validation message or a generic sentence; causes go to the server log.
import { noteBody, noteInput } from "@repo/db/schema";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { ApiError, apiDelete, apiPost } from "@/lib/api";

/** What a form shows after an action: the error, and what was typed so nothing is lost. */
export interface FormState {
  error?: string;
  values?: Record<string, string>;
}

const GENERIC = "something went wrong on our side; try again";

/** The form's text fields as posted (Next's own `$ACTION_…` fields are not ours). */
function fields(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string" && !key.startsWith("$ACTION")) values[key] = value;
  }
  return values;
}

function visitorMessage(action: string, err: unknown): string {
  if (err instanceof ApiError) return err.message;
  console.error(`web: ${action}:`, err);
  return GENERIC;
}

/** Creates a note from the form's fields, then redirects to the first page (a fresh GET: reloading is safe). */
export async function createNote(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = fields(formData);
  // Checked here first, with the API's rules and wording, to spare a round trip.
  const input = noteInput.safeParse(values);
  if (!input.success) {
    const issue = input.error.issues[0];
    return { error: `${issue?.path.join(".") || "form"} ${issue?.message ?? "is invalid"}`, values };
  }
  try {
    await apiPost("/notes", input.data, noteBody);
  } catch (err) {
    return { error: visitorMessage("create note", err), values };
  }
  redirect("/");
}

/** Deletes the note named by the pressed button's `id`; one already gone counts as deleted. */
export async function deleteNote(_previous: FormState, formData: FormData): Promise<FormState> {
  const id = formData.get("id");
  if (typeof id !== "string" || id === "") return { error: "which note? the form sent no id" };
  try {
    await apiDelete(`/notes/${encodeURIComponent(id)}`);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404))
      return { error: visitorMessage("delete note", err) };
  }
  revalidatePath("/");
  return {};
}
