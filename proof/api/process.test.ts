// The BUILT server (dist/index.mjs, as `pnpm start` and the image run it) as a child process: draining on each
// signal, idle and half-open connections closed at once, a second signal, SHUTDOWN_TIMEOUT_MS, listen errors, the
// timeouts, and bad configuration refused before listening. What the web server promises too is one shared suite
// (describeServerProcess); the API's own cases are written out here.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  isRefused,
  paths,
  sleep,
  startApi,
  within,
  type RunningServer,
} from "../support/index.mjs";
import { describeServerProcess } from "../support/server-process.mjs";
import { rawRequest, requireApiBuilt, sendRaw, type Row } from "./helpers.ts";

const started: RunningServer[] = [];
async function api(env: Record<string, string> = {}) {
  const server = await startApi({ env: { LOG_LEVEL: "info", ...env } });
  started.push(server);
  return server;
}

/** The pino lines' messages written so far. */
const messages = (server: RunningServer) =>
  server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

/** Nothing listens here: the API starts anyway (the database is connected in the background). */
const NO_DATABASE = "postgres://app@127.0.0.1:1/none";

/** Runs the built API to its exit with `env` (as production, with a database URL unless `env` says otherwise). */
function runToExit(env: Record<string, string>) {
  return spawnSync(process.execPath, [paths.apiEntry], {
    env: { NODE_ENV: "production", DATABASE_URL: NO_DATABASE, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** A POST whose headers are complete and whose body never is: a real request in flight. */
const stuckPost = rawRequest({
  method: "POST",
  path: "/notes",
  headers: [
    ["Content-Type", "application/json"],
    ["Content-Length", "100"],
  ],
  body: '{"text": "',
});

beforeAll(() => requireApiBuilt());
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop("SIGKILL")));
});

describe("draining", () => {
  it("on SIGTERM: /ready turns 503, the listener closes, the slow request completes with 201, exit 0", async () => {
    const server = await api({ SHUTDOWN_DELAY_MS: "1500" });
    expect((await sendRaw(server.port, [rawRequest({ path: "/ready" })])).status).toBe(200);

    // A POST whose body arrives in 8 pieces 1 s apart (~7 s in all): still arriving when the listener closes.
    const text = "this body arrives slowly while the server shuts down";
    const body = Buffer.from(JSON.stringify({ text }));
    const head = rawRequest({
      method: "POST",
      path: "/notes",
      headers: [
        ["Content-Type", "application/json"],
        ["Content-Length", String(body.length)],
      ],
    });
    const size = Math.ceil(body.length / 8);
    const pieces = Array.from({ length: 8 }, (_, i) => body.subarray(i * size, (i + 1) * size));
    let slowDone = false;
    const slow = sendRaw(server.port, [Buffer.concat([head, pieces[0]!]), ...pieces.slice(1)], {
      delayMs: 1_000,
      timeoutMs: 60_000,
    }).finally(() => {
      slowDone = true;
    });

    await sleep(1_000); // time to read its headers: from then on it is a request in flight
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    await sleep(100);

    // Inside SHUTDOWN_DELAY_MS the listener still accepts (after it, this connection would be refused), and
    // readiness reports the shutdown. The client asks for keep-alive; the server answers `Connection: close` and
    // closes the socket so it cannot linger.
    const ready = await sendRaw(
      server.port,
      [rawRequest({ path: "/ready", headers: [["Connection", "keep-alive"]] })],
      { timeoutMs: 60_000 },
    );
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ error: "shutting_down" });
    expect(ready.headers.connection).toBe("close");
    expect(ready.closedByServer).toBe(true);

    // After the delay the listener is closed: new connections are refused while the slow body still trickles in.
    await sleep(Math.max(0, signalled + 1_500 - Date.now()));
    while (!(await isRefused(server.port))) await sleep(50); // the test's timeout bounds it
    expect(slowDone).toBe(false);

    const res = await slow;
    expect(res.status).toBe(201);
    expect((JSON.parse(res.body) as { note: Row }).note.text).toBe(text);

    expect(await within(server.exited, 60_000, "exiting after SIGTERM")).toEqual({ code: 0, signal: null });
    expect(messages(server)).toContain("SIGTERM: draining (delay 1500 ms, timeout 10000 ms)");
    expect(messages(server)).toContain("drained; bye");
  });
});

describe("bad configuration", () => {
  it("refuses to start in production without DATABASE_URL: no silent throwaway database", async () => {
    const port = await freePort();
    const result = runToExit({ API_PORT: String(port), DATABASE_URL: "" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "api: invalid configuration: DATABASE_URL: must be set when NODE_ENV=production (PGlite, the development database, is not in the build)\n",
    );
    expect(await isRefused(port)).toBe(true);
  });

  it("never prints DATABASE_URL's value (it carries a password)", () => {
    const result = runToExit({ DATABASE_URL: "mysql://app:hunter2@db/notes" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("DATABASE_URL: must be one postgres://");
    expect(result.stderr).not.toContain("hunter2");
  });
});

// What both servers promise (the signals, the timeouts, listen errors, bad variables): the suite the web's e2e runs too.
describeServerProcess({
  name: "api",
  start: api,
  runToExit,
  logged: messages,
  stuckRequest: stuckPost.toString("latin1"),
  listenVariables: { port: "API_PORT", host: "API_HOST" },
  badVariables: [
    ["API_PORT", "abc"],
    ["API_PORT", "0x50"],
    ["API_PORT", "0"],
    ["API_HOST", "a host"],
    ["LOG_LEVEL", "chatty"],
    ["HEADERS_TIMEOUT_MS", "soon"],
    ["DATABASE_POOL_MAX", "-1"],
    ["DATABASE_URL", "mysql://app@db/notes"],
    ["DATABASE_POOL_MAX", "0"],
    ["DATABASE_STATEMENT_TIMEOUT_MS", "0"],
  ],
  severalBadVariables: { API_PORT: "1e3", LOG_LEVEL: "chatty", API_HOST: "a/b" },
  optionalVariables: ["LOG_LEVEL", "DATABASE_POOL_MAX", "API_HOST", "SHUTDOWN_TIMEOUT_MS"],
});
