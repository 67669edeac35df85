// Guards for route handlers that change state: refuse cross-site requests (a form or fetch from another origin
// can send "simple" requests, text/plain or no content type, without a preflight), require JSON, and cap the body
// while it streams in, so a huge or endless upload costs at most BODY_LIMIT bytes of memory.

export const BODY_LIMIT = 16 * 1024;

function problem(status: number, error: string, message: string) {
  return Response.json({ error, message }, { status });
}

/**
 * 403 when the browser says the request comes from another site. Browsers send `Sec-Fetch-Site`: anything but
 * same-origin (or none: typed by the user) is refused, and same-origin is trusted even when a proxy rewrote Host.
 * Older browsers send only `Origin`: then its host must be this server's (`X-Forwarded-Host` or `Host`); "null"
 * (sandboxed frames, file://) never is. Requests with neither header (curl, server to server) pass: no browser sent
 * them, so no visitor's cookies ride along.
 */
export function refuseCrossSite(request: Request): Response | undefined {
  const refuse = () => problem(403, "cross_site", "cross-site requests are not accepted");
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none" ? undefined : refuse();
  const origin = request.headers.get("origin");
  if (origin === null) return undefined;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  return URL.canParse(origin) && new URL(origin).host === host ? undefined : refuse();
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: Response };

/**
 * The body as JSON, or the error response to send: 415 unless `Content-Type: application/json` (UTF-8), 413 when
 * Content-Length or the bytes so far pass `limit` (the stream is cancelled there), 400 when it isn't JSON.
 */
export async function readJsonBody(request: Request, limit = BODY_LIMIT): Promise<BodyResult> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const [mediaType, ...params] = type.split(";").map((p) => p.trim());
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/"/g, "");
  if (mediaType !== "application/json" || (charset !== undefined && charset !== "utf-8")) {
    return {
      ok: false,
      response: problem(415, "unsupported_media_type", "send the body as application/json (UTF-8)"),
    };
  }
  const tooLarge = () => ({
    ok: false as const,
    response: problem(413, "payload_too_large", `the body is larger than ${limit} bytes`),
  });
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return tooLarge();

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return {
      ok: true,
      value: JSON.parse(new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks))),
    };
  } catch {
    return { ok: false, response: problem(400, "invalid_json", "the body is not valid JSON") };
  }
}
