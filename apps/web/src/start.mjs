// The built web app's one entry (`pnpm start`, the e2e tests, the image), bundled beside Next's standalone server.js
// by complete-standalone. A bad variable exits 1 naming every one before anything listens; the server gets our
// timeouts, one-line listen errors and the drain on SIGTERM/SIGINT/SIGHUP instead of Next's exit 143, and every
// request passes the request guard first.
import { configOrExit } from "@repo/server/guard";
import { guardNextServer } from "@repo/server/next-standalone";
import { webEnv } from "./env.ts";
import { checkRequest } from "./request-guard.ts";

/** @type {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => boolean} */
function guardRequest(req, res) {
  const verdict = checkRequest(req.method, (name) => req.headers[name]);
  if ("refuse" in verdict) {
    // The body is read to its end and dropped before the answer, as Next does: a client still sending would
    // otherwise get a reset instead of the answer. REQUEST_TIMEOUT_MS bounds one that never ends.
    req.resume().once("end", () => {
      res.writeHead(verdict.refuse, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end(`${verdict.message}\n`);
    });
    return false;
  }
  // Next finds the nonce in the request's policy; x-nonce also keeps src/proxy.ts (for `next dev`) from running.
  req.headers["x-nonce"] = verdict.nonce;
  req.headers["content-security-policy"] = verdict.policy;
  res.setHeader("content-security-policy", verdict.policy);
  return true;
}

const env = configOrExit("web", webEnv);
guardNextServer(env, { name: "web", port: env.WEB_PORT, host: env.WEB_HOST, onRequest: guardRequest });
await import("./server.js");
