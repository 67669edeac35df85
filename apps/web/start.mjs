// The one way the built web app starts (`pnpm start`, the tests, the OCI image): Next's standalone server.js
// behind our own checks. The build bundles this file with esbuild into .next/standalone/apps/web/start.mjs (so the
// configuration rules and the server behaviour come from the same code the API uses), beside server.js.
// 1. Configuration is parsed once, before anything listens: a bad variable exits 1 naming every one.
// 2. Next's http.Server gets the timeouts, one-line listen errors, and the drain on SIGTERM/SIGINT/SIGHUP of
//    @repo/contracts/server (Next's own signal handling is switched off: it exits 143 without draining).
import http from "node:http";
import { createGuard, onSignals, serverOptions } from "@repo/contracts/server";
import { ConfigError, parseWebEnv } from "./src/env.ts";

let env;
try {
  env = parseWebEnv(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`web: ${err.message}\n`);
  process.exit(1);
}

// server.js reads PORT and HOSTNAME; set them from our own names so a globally exported PORT/HOSTNAME
// (HOSTNAME is set in many shells and containers) never decides where the web server listens.
// These are written for server.js, not read by a task: nothing for turbo's cache key.
/* eslint-disable turbo/no-undeclared-env-vars */
process.env.PORT = String(env.WEB_PORT);
process.env.HOSTNAME = env.WEB_HOST;
process.env.NEXT_MANUAL_SIG_HANDLE = "true";
delete process.env.KEEP_ALIVE_TIMEOUT; // ours is KEEP_ALIVE_TIMEOUT_MS, applied below
/* eslint-enable turbo/no-undeclared-env-vars */
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const log = (level, message) => process.stderr.write(`web: ${message}\n`);
const guarded = createGuard(env, { name: "web", log });
onSignals(guarded, { log });

// Next creates its http.Server internally and doesn't hand it out: create it with our options and guard it.
const createServer = http.createServer;
http.createServer = function (...args) {
  const server =
    typeof args[0] === "function" || args.length === 0
      ? createServer.call(this, serverOptions(env), ...args)
      : createServer.apply(this, args);
  guarded.add(server);
  return server;
};

await import("./server.js");
