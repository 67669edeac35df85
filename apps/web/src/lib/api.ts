// The web server's client for the API. Server-side only: the page calls it while rendering, the Server Actions
// (src/app/actions.ts) for the forms. Every answer is parsed with the schemas derived from the notes table
// (@repo/db/schema); anything unexpected (no answer, a timeout, HTML, an empty or cut body, the wrong shape, a 5xx)
// becomes ApiError 502 with a generic message for visitors, and the details go to the server log.
import { problem, readyBody } from "@repo/contracts/http";
import { noteBody, notePage, type Note, type NoteInput, type NotePage } from "@repo/db/schema";
import { z } from "zod";
import { webEnv } from "@/env";

export type { Note, NotePage };

/** What visitors see when the API can't be used; the cause is logged, never shown (it names internal hosts). */
export const UNAVAILABLE = "the notes service is unavailable right now; try again in a moment";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiOptions {
  baseUrl?: string;
  timeoutMs?: number;
}

function unavailable(path: string, detail: string): ApiError {
  console.error(`web: API ${path}: ${detail}`);
  return new ApiError(502, "api_unavailable", UNAVAILABLE);
}

async function call<S extends z.ZodType>(
  path: string,
  schema: S,
  init: RequestInit,
  { baseUrl = webEnv().API_URL, timeoutMs = webEnv().API_TIMEOUT_MS }: ApiOptions,
): Promise<z.output<S>> {
  let status: number;
  let text: string;
  try {
    // One deadline for the whole exchange: connecting, the headers, and the body (a stalled body times out too).
    const res = await fetch(new URL(path, baseUrl), {
      ...init,
      cache: "no-store",
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json", ...init.headers },
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const why =
      err instanceof Error && err.name === "TimeoutError"
        ? `no full answer within ${timeoutMs} ms`
        : String((err as { cause?: unknown }).cause ?? err);
    throw unavailable(path, `${baseUrl}: ${why}`);
  }
  let body: unknown;
  try {
    // 204 No Content: no body, parsed as undefined (the schema says whether that is what was expected).
    body = status === 204 && text === "" ? undefined : JSON.parse(text);
  } catch {
    throw unavailable(path, `status ${status}, body is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (status >= 200 && status < 300) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw unavailable(path, `status ${status}, unexpected body: ${parsed.error.message}`);
  }
  // A 4xx with a well-formed error body is about the request (validation, a bad cursor): pass it on as it is.
  const error = problem.safeParse(body);
  if (status >= 400 && status < 500 && error.success) {
    throw new ApiError(status, error.data.error, error.data.message);
  }
  throw unavailable(path, `status ${status}: ${JSON.stringify(text.slice(0, 200))}`);
}

/** One page of notes, oldest first: the first, or the one after the cursor a previous page gave. */
export async function listNotes(after?: string, options: ApiOptions = {}): Promise<NotePage> {
  const query = after === undefined ? "" : `?${new URLSearchParams({ after }).toString()}`;
  return call(`/notes${query}`, notePage, {}, options);
}

/** Creates a note from the input as it is (every field; the API validates it again). */
export async function createNote(input: NoteInput, options: ApiOptions = {}): Promise<Note> {
  const init = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  };
  return (await call("/notes", noteBody, init, options)).note;
}

/** Deletes a note; ApiError 404 not_found when there is no such note. */
export async function deleteNote(id: string, options: ApiOptions = {}): Promise<void> {
  await call(`/notes/${encodeURIComponent(id)}`, z.undefined(), { method: "DELETE" }, options);
}

/** True when the API answers /ready with 200 and its ready body within `timeoutMs`. */
export async function apiReady({ baseUrl = webEnv().API_URL, timeoutMs = 1_000 }: ApiOptions = {}) {
  try {
    const res = await fetch(new URL("/ready", baseUrl), {
      cache: "no-store",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.status === 200 && readyBody.safeParse(await res.json()).success;
  } catch {
    return false;
  }
}
