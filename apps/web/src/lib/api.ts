// The web server's client for the API. Server-side only: the page calls it while rendering, and the
// /api/notes route handler calls it for the browser's form.
import { serverEnv } from "@/env";

export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 5_000;

async function call(path: string, init: RequestInit = {}, baseUrl = serverEnv().API_URL): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl), {
      ...init,
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { accept: "application/json", ...init.headers },
    });
  } catch (err) {
    const why = err instanceof Error && err.name === "TimeoutError" ? "timed out" : "is unreachable";
    throw new ApiError(502, "api_unreachable", `the API at ${baseUrl} ${why}`);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(
      res.status,
      typeof error === "string" ? error : "api_error",
      typeof message === "string" ? message : `the API answered ${res.status}`,
    );
  }
  return body;
}

export async function listNotes(baseUrl?: string): Promise<Note[]> {
  const body = (await call("/notes", {}, baseUrl)) as { notes?: Note[] };
  return body.notes ?? [];
}

export async function createNote(text: unknown, baseUrl?: string): Promise<Note> {
  const body = (await call(
    "/notes",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text }) },
    baseUrl,
  )) as { note: Note };
  return body.note;
}
