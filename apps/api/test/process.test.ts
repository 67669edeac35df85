// The BUILT server (dist/index.mjs, as `pnpm start` and the image run it) as a child process: the promises of
// docs/servers.md — draining on each signal, idle and half-open connections closed at once, a second signal,
// SHUTDOWN_TIMEOUT_MS, listen errors, the timeouts, and bad configuration refused before listening.
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import {
  freePort,
  isRefused,
  openSocket,
  paths,
  sleep,
  startApi,
  within,
  type RunningServer,
} from "@repo/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Note } from "../src/store.js";
import { ensureBuilt, rawRequest, sendRaw } from "./support.js";

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
    timeout: 10_000,
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

beforeAll(() => ensureBuilt(), 90_000);
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop("SIGKILL")));
});

describe("draining", () => {
  it("on SIGTERM: /ready turns 503, the listener closes, the slow request completes with 201, exit 0", async () => {
    const server = await api({ SHUTDOWN_DELAY_MS: "400" });
    expect((await sendRaw(server.port, [rawRequest({ path: "/ready" })])).status).toBe(200);

    // A POST whose body arrives in 8 pieces 200 ms apart (~1.4 s in all).
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
      delayMs: 200,
      timeoutMs: 10_000,
    }).finally(() => {
      slowDone = true;
    });

    await sleep(250);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    await sleep(100);

    // Inside SHUTDOWN_DELAY_MS the listener still accepts, and readiness reports the shutdown. The client asks
    // for keep-alive; the server answers `Connection: close` and closes the socket so it cannot linger.
    const ready = await sendRaw(
      server.port,
      [rawRequest({ path: "/ready", headers: [["Connection", "keep-alive"]] })],
      { timeoutMs: 1_000 },
    );
    expect(Date.now() - signalled).toBeLessThan(400);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ error: "shutting_down" });
    expect(ready.headers.connection).toBe("close");
    expect(ready.closedByServer).toBe(true);

    // After the delay the listener is closed: new connections are refused while the slow body still trickles in.
    await sleep(Math.max(0, signalled + 450 - Date.now()));
    let refused = await isRefused(server.port);
    while (!refused && Date.now() - signalled < 1_000) {
      await sleep(50);
      refused = await isRefused(server.port);
    }
    expect(refused).toBe(true);
    expect(slowDone).toBe(false);

    const res = await slow;
    expect(res.status).toBe(201);
    expect((JSON.parse(res.body) as { note: Note }).note.text).toBe(text);

    expect(await within(server.exited, 10_000, "exiting after SIGTERM")).toEqual({ code: 0, signal: null });
    expect(messages(server)).toContain("SIGTERM: draining (delay 400 ms, timeout 10000 ms)");
    expect(messages(server)).toContain("drained; bye");
  });

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "on %s with an idle keep-alive connection, a half-sent request and a silent connection open: exit 0 at once",
    async (signal) => {
      const server = await api(); // SHUTDOWN_TIMEOUT_MS stays at its 10 s default
      const idle = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      for (let i = 0; i < 60 && !idle.received().includes("\r\n\r\n"); i++) await sleep(50);
      expect(idle.received()).toMatch(/^HTTP\/1\.1 200/); // answered, and kept alive
      const halfHeaders = await openSocket(server.url, "GET /health HTTP/1.1\r\nHo");
      const silent = await openSocket(server.url);
      await sleep(100);

      const signalled = Date.now();
      server.child.kill(signal);
      expect(await within(server.exited, 3_000, `exiting after ${signal}`)).toEqual({
        code: 0,
        signal: null,
      });
      expect(Date.now() - signalled).toBeLessThan(1_500);
      await Promise.all([idle.closed, halfHeaders.closed, silent.closed]);
      expect(messages(server)).toContain(`${signal}: draining (delay 0 ms, timeout 10000 ms)`);
    },
  );

  it("a second signal during the drain exits 1 at once, without waiting for the request in flight", async () => {
    const server = await api();
    const stuck = await openSocket(server.url, stuckPost.toString("latin1"));
    await sleep(100);
    server.child.kill("SIGTERM");
    await sleep(300);
    expect(server.alive()).toBe(true); // waiting for the request in flight, as it should
    const second = Date.now();
    server.child.kill("SIGINT");
    expect(await within(server.exited, 2_000, "exiting after the second signal")).toEqual({
      code: 1,
      signal: null,
    });
    expect(Date.now() - second).toBeLessThan(1_000);
    expect(messages(server)).toContain("SIGINT after SIGTERM: exiting now, without draining");
    await stuck.closed;
  });

  it("enforces SHUTDOWN_TIMEOUT_MS: a request that outlasts it makes the process exit 1", async () => {
    const server = await api({ SHUTDOWN_TIMEOUT_MS: "300" });
    const stuck = await openSocket(server.url, stuckPost.toString("latin1"));
    await sleep(150);
    const signalled = Date.now();
    server.child.kill("SIGTERM");

    expect(await within(server.exited, 5_000, "exiting after the shutdown timeout")).toEqual({
      code: 1,
      signal: null,
    });
    const elapsed = Date.now() - signalled;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3_000);
    expect(messages(server)).toContain("1 request(s) still running after 300 ms; exiting");
    // The stuck connection was cut by the server, without an answer.
    expect(await stuck.closed).toBe("");
  });
});

describe("timeouts", () => {
  it("HEADERS_TIMEOUT_MS cuts a client that never finishes its headers (408)", async () => {
    const server = await api({ HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "5000" });
    const opened = Date.now();
    const slow = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    expect(await within(slow.closed, 4_000, "the server closing")).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(450);
  });

  it("REQUEST_TIMEOUT_MS cuts a request whose body stalls (408)", async () => {
    const server = await api({ HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "1000" });
    const opened = Date.now();
    const stalled = await openSocket(server.url, stuckPost.toString("latin1"));
    expect(await within(stalled.closed, 5_000, "the server closing")).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(950);
  });

  it("KEEP_ALIVE_TIMEOUT_MS closes an idle keep-alive connection", async () => {
    const server = await api({ KEEP_ALIVE_TIMEOUT_MS: "300" });
    const idle = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    const opened = Date.now();
    expect(await within(idle.closed, 3_000, "the server closing the idle connection")).toMatch(
      /^HTTP\/1\.1 200/,
    );
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
  });
});

describe("listen errors", () => {
  let holder: Server;
  let takenPort: number;
  beforeAll(async () => {
    holder = createServer();
    takenPort = await freePort();
    await new Promise<void>((resolve) => holder.listen(takenPort, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it("a port already in use: one clear line on stderr, exit 1", () => {
    const result = runToExit({ API_PORT: String(takenPort), API_HOST: "127.0.0.1" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `api: cannot listen on 127.0.0.1:${takenPort}: the port is already in use (EADDRINUSE)\n`,
    );
  });

  it("an address this machine doesn't have: one clear line on stderr, exit 1", async () => {
    const port = await freePort();
    const result = runToExit({ API_PORT: String(port), API_HOST: "203.0.113.1" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `api: cannot listen on 203.0.113.1:${port}: no such address on this machine (EADDRNOTAVAIL)\n`,
    );
  });
});

describe("bad configuration", () => {
  it.each([
    ["API_PORT", "abc"],
    ["API_PORT", "0x50"],
    ["API_PORT", "0"],
    ["WEB_ORIGIN", "http://a.example,http://b.example"],
    ["LOG_LEVEL", "chatty"],
    ["HEADERS_TIMEOUT_MS", "soon"],
    ["NOTES_LIMIT", "-1"],
    ["DATABASE_URL", "mysql://app@db/notes"],
    ["DATABASE_POOL_MAX", "0"],
    ["DATABASE_STATEMENT_TIMEOUT_MS", "0"],
  ])("refuses %s=%j: exit 1, a message naming it, no stack, nothing listening", async (name, value) => {
    const port = await freePort();
    const result = runToExit({ API_PORT: String(port), API_HOST: "127.0.0.1", [name]: value });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^api: invalid configuration: ${name}: .*\\n$`));
    expect(result.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    expect(result.stdout).not.toContain("listening");
    expect(await isRefused(port)).toBe(true);
  });

  it("refuses to start in production without DATABASE_URL: no silent throwaway database", async () => {
    const port = await freePort();
    const result = runToExit({ API_PORT: String(port), DATABASE_URL: "" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "api: invalid configuration: DATABASE_URL: must be set when NODE_ENV=production (PGlite, the development database, is not in the production build)\n",
    );
    expect(await isRefused(port)).toBe(true);
  });

  it("never prints DATABASE_URL's value (it carries a password)", () => {
    const result = runToExit({ DATABASE_URL: "mysql://app:hunter2@db/notes" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("DATABASE_URL: must be one postgres://");
    expect(result.stderr).not.toContain("hunter2");
  });

  it("names every bad variable in one message", () => {
    const result = runToExit({ API_PORT: "1e3", LOG_LEVEL: "chatty", WEB_ORIGIN: "nope" });
    expect(result.status).toBe(1);
    for (const name of ["API_PORT", "LOG_LEVEL", "WEB_ORIGIN"]) expect(result.stderr).toContain(`${name}: `);
  });

  it("treats empty variables as unset and starts", async () => {
    const server = await api({ LOG_LEVEL: "", NOTES_LIMIT: "", WEB_ORIGIN: "", SHUTDOWN_TIMEOUT_MS: "" });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });
});
