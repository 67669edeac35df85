// The one way the built web app starts (`pnpm start`, the e2e tests, the OCI image): Next's standalone server.js
// with our own signal handling. Next's handler ends with exit code 143; this one keeps serving for
// SHUTDOWN_DELAY_MS (default 0: time for a load balancer to stop sending), then stops accepting, lets in-flight
// requests finish, and exits 0 (or 1 if they outlast SHUTDOWN_TIMEOUT_MS).
// build copies this file to .next/standalone/apps/web/start.mjs, beside server.js.
import http from "node:http";

function intFromEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    process.stderr.write(
      `web: invalid configuration: ${name} must be an integer from ${min} to ${max}, got "${raw}"\n`,
    );
    process.exit(1);
  }
  return value;
}

const port = intFromEnv("WEB_PORT", 3000, 1, 65535);
const shutdownDelayMs = intFromEnv("SHUTDOWN_DELAY_MS", 0, 0, 600_000);
const shutdownTimeoutMs = intFromEnv("SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000);

// server.js reads PORT and HOSTNAME; set them from our own names so a globally exported PORT/HOSTNAME
// (HOSTNAME is set in many shells and containers) never decides where the web server listens.
// These are written for server.js, not read by a task: nothing for turbo's cache key.
/* eslint-disable turbo/no-undeclared-env-vars */
process.env.PORT = String(port);
process.env.HOSTNAME = process.env.WEB_HOST || "0.0.0.0";
process.env.NEXT_MANUAL_SIG_HANDLE = "true";
/* eslint-enable turbo/no-undeclared-env-vars */
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

// Next creates its http.Server internally and doesn't hand it out: note every server created from here on.
const servers = [];
const createServer = http.createServer;
http.createServer = function (...args) {
  const server = createServer.apply(this, args);
  servers.push(server);
  return server;
};

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`web: ${signal} received, draining\n`);
  setTimeout(() => {
    process.stderr.write(`web: requests still running after ${shutdownTimeoutMs} ms; exiting\n`);
    for (const server of servers) server.closeAllConnections();
    process.exit(1);
  }, shutdownDelayMs + shutdownTimeoutMs).unref();
  // Before Next answers: ask keep-alive clients to go away once their response is sent.
  for (const server of servers)
    server.prependListener("request", (_req, res) => res.setHeader("Connection", "close"));
  setTimeout(() => {
    const closed = servers.map(
      (server) =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    void Promise.all(closed).then(() => {
      process.stderr.write("web: drained; bye\n");
      process.exit(0);
    });
  }, shutdownDelayMs);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

await import("./server.js");
