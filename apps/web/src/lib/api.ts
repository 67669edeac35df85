// The web server's client for the API, for the page and the Server Actions (server-side only). Each call parses the
// answer with the schema its caller passes; anything unexpected (no answer, a timeout, HTML, a cut body, the wrong
// shape, a 5xx) becomes ApiError 502 with a generic sentence for visitors, and the cause goes to the server log.
import { z } from "zod";
import { webEnv } from "@/env";

/** What visitors see when the API can't be used; the cause is logged, never shown (it names internal hosts). */
export const UNAVAILABLE = "the service is unavailable right now; try again in a moment";

const errorBody = z.looseObject({ error: z.string().min(1), message: z.string() });

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
  { baseUrl = webEnv().API_URL, timeoutMs = webEnv().API_TIMEOUT_MS }: ApiOptions = {},
): Promise<z.output<S>> {
  let status: number;
  let text: string;
  // One deadline for the whole exchange, body included: a body that stalls times out too. A timer cleared at the end,
  // not AbortSignal.timeout, whose signal holds each finished exchange in memory until it fires.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException("deadline", "TimeoutError")), timeoutMs);
  try {
    const res = await fetch(new URL(path, baseUrl), {
      ...init,
      cache: "no-store",
      signal: deadline.signal,
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
  } finally {
    clearTimeout(timer);
  }
  let body: unknown;
  try {
    body = status === 204 && text === "" ? undefined : JSON.parse(text);
  } catch {
    throw unavailable(path, `status ${status}, body is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (status >= 200 && status < 300) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw unavailable(path, `status ${status}, unexpected body: ${parsed.error.message}`);
  }
  // A 4xx with an error body is about the request (validation, a bad cursor): passed on as it is.
  const error = errorBody.safeParse(body);
  if (status >= 400 && status < 500 && error.success)
    throw new ApiError(status, error.data.error, error.data.message);
  throw unavailable(path, `status ${status}: ${JSON.stringify(text.slice(0, 200))}`);
}

export function apiGet<S extends z.ZodType>(path: string, schema: S, options?: ApiOptions) {
  return call(path, schema, {}, options);
}

export function apiPost<S extends z.ZodType>(path: string, body: unknown, schema: S, options?: ApiOptions) {
  const init = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  return call(path, schema, init, options);
}

export async function apiDelete(path: string, options?: ApiOptions): Promise<void> {
  await call(path, z.undefined(), { method: "DELETE" }, options);
}
