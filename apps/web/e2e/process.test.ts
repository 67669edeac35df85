// The standalone web server started through start.mjs, as the image starts it: the promises of docs/servers.md —
// listening where WEB_PORT/WEB_HOST say, draining on each signal, idle and half-open connections closed at once,
// a second signal, listen errors, the timeouts, and bad configuration refused before listening.
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  isRefused,
  openSocket,
  paths,
  sleep,
  startApi,
  startWeb,
  within,
  type RunningServer,
} from "@repo/test-support";

const started: RunningServer[] = [];
let api: RunningServer;

async function web(env: Record<string, string> = {}) {
  const server = await startWeb({ apiUrl: api.url, env });
  started.push(server);
  return server;
}

/** Runs start.mjs to its exit with exactly `env`; for configurations that must not start. */
function runToExit(env: Record<string, string>) {
  return spawnSync(process.execPath, [paths.webEntry], {
    env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    encoding: "utf8",
    timeout: 15_000,
  });
}

/** A port something else holds for the duration of a test file. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const holder: Server = createServer((socket) => socket.destroy());
  const port = await freePort();
  await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
  return { port, close: () => new Promise<void>((resolve) => holder.close(() => resolve())) };
}

const stuckPost = (text: string) =>
  `POST /api/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(JSON.stringify({ text }))}\r\nConnection: close\r\n\r\n`;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop("SIGKILL")));
  await api?.stop();
});

describe("listening", () => {
  it("listens on WEB_PORT/WEB_HOST, ignoring a global PORT (held by another process) and HOSTNAME", async () => {
    const held = await holdPort();
    try {
      // Were PORT used, the web would fail with EADDRINUSE; were HOSTNAME used, with EADDRNOTAVAIL.
      const server = await web({ PORT: String(held.port), HOSTNAME: "203.0.113.1" });
      expect(server.port).not.toBe(held.port);
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await held.close();
    }
  });

  it("a port already in use: one clear line on stderr, no stack, exit 1", async () => {
    const held = await holdPort();
    try {
      const result = runToExit({ WEB_PORT: String(held.port), WEB_HOST: "127.0.0.1" });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `web: cannot listen on 127.0.0.1:${held.port}: the port is already in use (EADDRINUSE)\n`,
      );
    } finally {
      await held.close();
    }
  });

  it("an address this machine doesn't have: one clear line on stderr, exit 1", async () => {
    const port = await freePort();
    const result = runToExit({ WEB_PORT: String(port), WEB_HOST: "203.0.113.1" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `web: cannot listen on 203.0.113.1:${port}: no such address on this machine (EADDRNOTAVAIL)\n`,
    );
  });
});

describe("draining", () => {
  it("finishes an in-flight request after SIGTERM, refuses new connections, then exits 0", async () => {
    const server = await web();
    const text = "sent slowly while the server shuts down";
    const body = JSON.stringify({ text });
    const slow = await openSocket(server.url, stuckPost(text) + body.slice(0, 10));
    await sleep(300);

    server.child.kill("SIGTERM");
    await sleep(300);
    // The listener is closed: a new connection is refused while the old request is still open.
    expect(await isRefused(server.port)).toBe(true);
    slow.socket.write(body.slice(10));

    const raw = await slow.closed;
    expect(raw).toMatch(/^HTTP\/1\.1 201/);
    expect(raw).toContain(text);
    expect(await within(server.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain("web: drained; bye");

    const { notes } = (await (await fetch(`${api.url}/notes`)).json()) as { notes: { text: string }[] };
    expect(notes.map((n) => n.text)).toContain(text);
  });

  it("keeps serving for SHUTDOWN_DELAY_MS with /ready 503 and Connection: close, then exits 0", async () => {
    const server = await web({ SHUTDOWN_DELAY_MS: "1500" });
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    server.child.kill("SIGTERM");
    await sleep(300);
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: "shutting_down" });
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("connection")).toBe("close");
    expect(await within(server.exited, 10_000, "exiting")).toEqual({ code: 0, signal: null });
    expect(await isRefused(server.port)).toBe(true);
  });

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "on %s with an idle keep-alive connection, a half-sent request and a silent connection open: exit 0 at once",
    async (signal) => {
      const server = await web(); // SHUTDOWN_TIMEOUT_MS stays at its 10 s default
      const idle = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      for (let i = 0; i < 60 && !idle.received().includes("\r\n\r\n"); i++) await sleep(50);
      expect(idle.received()).toMatch(/^HTTP\/1\.1 200/); // answered, and kept alive
      const halfHeaders = await openSocket(server.url, "GET / HTTP/1.1\r\nHo");
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
      expect(server.output()).toContain(`web: ${signal}: draining`);
    },
  );

  it("a second signal during the drain exits 1 at once", async () => {
    const server = await web();
    const stuck = await openSocket(server.url, stuckPost("never finished") + '{"te');
    await sleep(200);
    server.child.kill("SIGTERM");
    await sleep(300);
    expect(server.alive()).toBe(true); // waiting for the request in flight, as it should
    const second = Date.now();
    server.child.kill("SIGTERM");
    expect(await within(server.exited, 2_000, "exiting after the second signal")).toEqual({
      code: 1,
      signal: null,
    });
    expect(Date.now() - second).toBeLessThan(1_000);
    expect(server.output()).toContain("web: SIGTERM after SIGTERM: exiting now, without draining");
    await stuck.closed;
  });
});

describe("timeouts", () => {
  it("HEADERS_TIMEOUT_MS cuts a client that never finishes its headers (408)", async () => {
    const server = await web({ HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "5000" });
    const opened = Date.now();
    const slow = await openSocket(server.url, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    expect(await within(slow.closed, 4_000, "the server closing")).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(450);
  });

  it("KEEP_ALIVE_TIMEOUT_MS closes an idle keep-alive connection", async () => {
    const server = await web({ KEEP_ALIVE_TIMEOUT_MS: "300" });
    const idle = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(await within(idle.closed, 3_000, "the server closing the idle connection")).toMatch(
      /^HTTP\/1\.1 200/,
    );
  });
});

describe("bad configuration (start.mjs)", () => {
  it.each([
    ["WEB_PORT", "http"],
    ["WEB_PORT", "0x50"],
    ["WEB_PORT", "0"],
    ["WEB_PORT", "65536"],
    ["WEB_HOST", "a b"],
    ["API_URL", "api.internal:3001"],
    ["API_TIMEOUT_MS", "fast"],
    ["HEADERS_TIMEOUT_MS", "soon"],
    ["REQUEST_TIMEOUT_MS", "-1"],
    ["KEEP_ALIVE_TIMEOUT_MS", "1.5"],
    ["SHUTDOWN_DELAY_MS", "1e3"],
    ["SHUTDOWN_TIMEOUT_MS", "forever"],
  ])("refuses %s=%j: exit 1, one line naming it, nothing listening", async (name, value) => {
    const port = await freePort();
    const result = runToExit({ WEB_PORT: String(port), WEB_HOST: "127.0.0.1", [name]: value });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^web: invalid configuration: ${name}: [^\\n]*\\n$`));
    expect(result.stdout).toBe(""); // Next never started
    expect(await isRefused(port)).toBe(true);
  });

  it("names every bad variable in one message", () => {
    const result = runToExit({ WEB_PORT: "x", API_URL: "nope", SHUTDOWN_TIMEOUT_MS: "y" });
    expect(result.status).toBe(1);
    for (const name of ["WEB_PORT", "API_URL", "SHUTDOWN_TIMEOUT_MS"])
      expect(result.stderr).toContain(`${name}: `);
  });

  it("treats empty variables as unset and starts", async () => {
    const server = await web({ API_TIMEOUT_MS: "", SHUTDOWN_DELAY_MS: "", KEEP_ALIVE_TIMEOUT_MS: "" });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });
});
