// Next's standalone server.js creates its http.Server and handles signals itself (exit 143, no drain): a Next app's
// src/start.mjs calls guardNextServer before importing server.js, so that server gets our timeouts, one-line listen
// errors and the drain instead (./guard.ts).
import http from "node:http";
import type { Lifecycle } from "./config.ts";
import { createGuard, onSignals, serverOptions, type Log } from "./guard.ts";

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * `name` prefixes every line the app logs; `onRequest` sees each request before Next and returns false once it has
 * answered it (cheaper than Next's proxy, which costs a page a fifth of its throughput).
 */
export function guardNextServer(
  env: Lifecycle,
  {
    name,
    port,
    host,
    onRequest,
  }: { name: string; port: number; host: string; onRequest?: (...args: Parameters<Listener>) => boolean },
) {
  // server.js reads PORT and HOSTNAME: set them from the app's own variables, so a globally exported PORT or
  // HOSTNAME (set in many shells and containers) never decides where the app listens. Written, not read by a task.
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
    const [next] = args.slice(-1);
    if (onRequest && typeof next === "function")
      args[args.length - 1] = ((req, res) =>
        onRequest(req, res) && (next as Listener)(req, res)) satisfies Listener;
    const server =
      typeof args[0] === "function" || args.length === 0
        ? createServer.call(this, serverOptions(env), ...args)
        : createServer.apply(this, args);
    guarded.add(server);
    return server;
  };
}
