// What every request gets before Next sees it: cross-site form posts refused, bodies bounded, and a
// Content-Security-Policy with a fresh nonce (Next puts it on its own scripts when it finds the policy in the request's
// headers), so no inline script runs without it. The built server applies it in Node (src/start.mjs), `next dev` in
// src/proxy.ts.

/** The largest form post accepted (a form is a few hundred bytes); next.config.ts caps Next's buffers with it. */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024;

export type Verdict = { refuse: number; message: string } | { nonce: string; policy: string };

export function checkRequest(method: string | undefined, header: (name: string) => unknown): Verdict {
  // A form post must come from our own pages: browsers say where a request comes from in Sec-Fetch-Site (none: typed
  // by the user). Next's Origin check follows, for browsers that send only Origin; requests with neither header
  // (curl, server to server) carry no visitor's cookies.
  if (method === "POST") {
    const site = header("sec-fetch-site");
    if (site != null && site !== "same-origin" && site !== "none")
      return { refuse: 403, message: "cross-site requests are not accepted" };
    // Browsers send a form's length up front: a huge upload is refused before anything parses it.
    const length = header("content-length");
    if (length == null) return { refuse: 411, message: "send the body with a Content-Length" };
    if (Number(length) > FORM_BODY_LIMIT_BYTES)
      return { refuse: 413, message: `the body is larger than ${FORM_BODY_LIMIT_BYTES} bytes` };
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
  return { nonce, policy };
}
