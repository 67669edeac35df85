// Guards for pages and form posts (not health checks or static files): cross-site posts refused, bodies bounded, and
// a Content-Security-Policy with a fresh nonce per request (Next puts it on its own scripts when it finds the
// policy in the request headers), so no inline script runs without it.
import { NextResponse, type NextRequest } from "next/server";

/** The largest form post accepted (a form is a few hundred bytes); next.config.ts caps Next's buffers with it. */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024;

/** A refusal that also closes the connection, so the server stops reading an upload it has already refused. */
const refuse = (status: number, message: string) =>
  new NextResponse(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
  });

export function proxy(request: NextRequest) {
  // A form post must come from our own pages: browsers say where a request comes from in Sec-Fetch-Site (none: typed
  // by the user). Next's Origin check follows, for browsers that send only Origin; requests with neither header
  // (curl, server to server) carry no visitor's cookies.
  if (request.method === "POST") {
    const site = request.headers.get("sec-fetch-site");
    if (site !== null && site !== "same-origin" && site !== "none")
      return refuse(403, "cross-site requests are not accepted");
    // Browsers send a form's length up front: a huge upload is refused before anything parses it (Next still
    // drains the rest of the body, keeping none of it past proxyClientMaxBodySize).
    const length = request.headers.get("content-length");
    if (length === null) return refuse(411, "send the body with a Content-Length");
    if (Number(length) > FORM_BODY_LIMIT_BYTES)
      return refuse(413, `the body is larger than ${FORM_BODY_LIMIT_BYTES} bytes`);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  // React's development build evaluates code and injects styles for its error overlay; production does neither.
  const dev = process.env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Stylesheets only (Tailwind's, served by Next): no inline style attributes or <style> blocks.
    `style-src 'self'${dev ? " 'unsafe-inline'" : ""}`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!health|ready|_next/static|_next/image|favicon.ico|robots.txt).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
