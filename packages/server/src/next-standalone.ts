// The standalone start of a Next.js app: each Next app's start.mjs parses its configuration (configOrExit), calls
// guardNextServer, then imports Next's server.js. The complete-standalone bin bundles that start.mjs, this file
// included, beside server.js after `next build`, so the image runs `node apps/<name>/start.mjs`.
// Next's server.js creates its http.Server itself and handles signals itself (exit 143, no drain): the server
// gets our timeouts, one-line listen errors and the drain instead (./guard.ts).
import http from "node:http";
import type { Lifecycle } from "./config";
import { createGuard, onSignals, serverOptions, type Log } from "./guard";

export interface NextListen {
  /** The app's name, the prefix of every line it logs. */
  name: string;
  port: number;
  host: string;
}

/** Prepares the process for Next's standalone server.js: call it once, then import server.js (start.mjs's last line). */
export function guardNextServer(env: Lifecycle, { name, port, host }: NextListen): void {
  // server.js reads PORT and HOSTNAME: set them from the app's own variables, so a globally exported PORT or
  // HOSTNAME (HOSTNAME is set in many shells and containers) never decides where the app listens. These are
  // written for server.js, not read by a task: nothing for turbo's cache key.
  /* eslint-disable turbo/no-undeclared-env-vars */
  process.env.PORT = String(port);
  process.env.HOSTNAME = host;
  process.env.NEXT_MANUAL_SIG_HANDLE = "true";
  delete process.env.KEEP_ALIVE_TIMEOUT; // ours is KEEP_ALIVE_TIMEOUT_MS, applied through serverOptions
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  /* eslint-enable turbo/no-undeclared-env-vars */

  const log: Log = (_level, message) => process.stderr.write(`${name}: ${message}\n`);
  const guarded = createGuard(env, { name, log });
  onSignals(guarded, { log });

  // Next doesn't hand out its http.Server: create it with our options and guard it.
  const createServer = http.createServer as (this: unknown, ...args: unknown[]) => http.Server;
  http.createServer = function (this: unknown, ...args: unknown[]) {
    const server =
      typeof args[0] === "function" || args.length === 0
        ? createServer.call(this, serverOptions(env), ...args)
        : createServer.apply(this, args);
    guarded.add(server);
    return server;
  };
}
