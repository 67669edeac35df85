// The request guard (./request-guard.ts) under `next dev`. The built server applies it in Node before Next (src/start.mjs)
// and sets x-nonce, which keeps this proxy from running there: Next's proxy machinery alone costs a page a fifth of its
// throughput.
import { NextResponse, type NextRequest } from "next/server";
import { checkRequest } from "./request-guard";

export function proxy(request: NextRequest) {
  const verdict = checkRequest(request.method, (name) => request.headers.get(name));
  if ("refuse" in verdict)
    return new NextResponse(`${verdict.message}\n`, {
      status: verdict.refuse,
      // Closing the connection stops the server reading an upload it has already refused.
      headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
    });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", verdict.nonce);
  headers.set("content-security-policy", verdict.policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", verdict.policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!health|ready|_next/static|_next/image|favicon.ico|robots.txt).*)",
      missing: [
        { type: "header", key: "x-nonce" },
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
