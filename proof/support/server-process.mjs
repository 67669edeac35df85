// The process promises both built servers keep (drain, signals, exit codes), as one vitest suite: they come from the same
// code (@repo/server/guard), so the API's tests and the web's e2e run the same cases against their own server.
// Outcomes only (exit codes, answers, log lines), with deadlines far beyond any busy machine: timers never fire
// early, so "not before" bounds hold; "within N ms" budgets belong in `pnpm bench`.
// A separate entry point (proof/support/server-process.mjs) because it imports vitest: index.mjs is also loaded by
// plain .mjs scripts (the bench, the load suite) that have no test runner.
import { describe, expect, it } from "vitest";
import { freePort, holdPort, isRefused, openSocket, sleep, within } from "./index.mjs";

/** @param {import("./server-process.d.mts").ServerProcessOptions} app */
export function describeServerProcess(app) {
  const { name, start, runToExit, logged, stuckRequest } = app;
  const { port: portVariable, host: hostVariable } = app.listenVariables;

  describe("draining", () => {
    it.each(["SIGTERM", "SIGINT", "SIGHUP"])(
      "on %s with an idle keep-alive connection, a half-sent request and a silent connection open: exit 0 (they don't hold it)",
      async (signal) => {
        const server = await start(); // SHUTDOWN_TIMEOUT_MS stays at its 10 s default
        const idle = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        while (!idle.received().includes("\r\n\r\n")) await sleep(50); // the test's timeout bounds it
        expect(idle.received()).toMatch(/^HTTP\/1\.1 200/); // answered, and kept alive
        const halfHeaders = await openSocket(server.url, "GET /health HTTP/1.1\r\nHo");
        const silent = await openSocket(server.url);
        await sleep(100);

        server.child.kill(signal);
        // Were a connection waited for, SHUTDOWN_TIMEOUT_MS would end the process with exit 1.
        expect(await within(server.exited, 60_000, `exiting after ${signal}`)).toEqual({
          code: 0,
          signal: null,
        });
        await Promise.all([idle.closed, halfHeaders.closed, silent.closed]);
        expect(logged(server)).toContain(`${signal}: draining (delay 0 ms, timeout 10000 ms)`);
        expect(logged(server).join("\n")).not.toMatch(/still running/);
      },
    );

    it.each([
      ["SIGTERM", "SIGINT"],
      ["SIGTERM", "SIGTERM"],
    ])(
      "%s then %s during the drain exits 1 without waiting for the request in flight",
      async (first, second) => {
        const server = await start();
        const stuck = await openSocket(server.url, stuckRequest);
        await sleep(1_000); // time to read its headers: from then on it is a request in flight
        server.child.kill(first);
        await sleep(300);
        expect(server.alive()).toBe(true); // waiting for the request in flight, as it should
        server.child.kill(second);
        expect(await within(server.exited, 60_000, "exiting after the second signal")).toEqual({
          code: 1,
          signal: null,
        });
        expect(logged(server)).toContain(`${second} after ${first}: exiting now, without draining`);
        // Not the shutdown timeout's exit (the request in flight never ends by itself).
        expect(logged(server).join("\n")).not.toMatch(/still running/);
        await stuck.closed;
      },
    );

    it("enforces SHUTDOWN_TIMEOUT_MS: a request that outlasts it makes the process exit 1", async () => {
      const server = await start({ SHUTDOWN_TIMEOUT_MS: "300" });
      const stuck = await openSocket(server.url, stuckRequest);
      await sleep(1_000); // time to read its headers: from then on it is a request in flight
      const signalled = Date.now();
      server.child.kill("SIGTERM");

      expect(await within(server.exited, 60_000, "exiting after the shutdown timeout")).toEqual({
        code: 1,
        signal: null,
      });
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(280); // not before it (a busy machine only adds)
      expect(logged(server)).toContain("1 request(s) still running after 300 ms; exiting");
      // The stuck connection was cut by the server, without an answer.
      expect(await stuck.closed).toBe("");
    });
  });

  describe("timeouts", () => {
    it("HEADERS_TIMEOUT_MS cuts a client that never finishes its headers (408)", async () => {
      const server = await start({ HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "5000" });
      const opened = Date.now();
      const slow = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      expect(await within(slow.closed, 60_000, "the server closing")).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(450);
    });

    it("REQUEST_TIMEOUT_MS cuts a request whose body stalls (408)", async () => {
      const server = await start({ HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "1000" });
      const opened = Date.now();
      const stalled = await openSocket(server.url, stuckRequest);
      expect(await within(stalled.closed, 60_000, "the server closing")).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(950);
    });

    it("KEEP_ALIVE_TIMEOUT_MS closes an idle keep-alive connection", async () => {
      const server = await start({ KEEP_ALIVE_TIMEOUT_MS: "300" });
      const idle = await openSocket(server.url, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      const opened = Date.now();
      expect(await within(idle.closed, 60_000, "the server closing the idle connection")).toMatch(
        /^HTTP\/1\.1 200/,
      );
      expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
    });
  });

  describe("listen errors", () => {
    it("a port already in use: one clear line on stderr, exit 1", async () => {
      const held = await holdPort();
      try {
        const result = runToExit({ [portVariable]: String(held.port), [hostVariable]: "127.0.0.1" });
        expect(result.status).toBe(1);
        expect(result.stderr).toBe(
          `${name}: cannot listen on 127.0.0.1:${held.port}: the port is already in use (EADDRINUSE)\n`,
        );
      } finally {
        await held.close();
      }
    });

    it("an address this machine doesn't have: one clear line on stderr, exit 1", async () => {
      const port = await freePort();
      const result = runToExit({ [portVariable]: String(port), [hostVariable]: "203.0.113.1" });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `${name}: cannot listen on 203.0.113.1:${port}: no such address on this machine (EADDRNOTAVAIL)\n`,
      );
    });
  });

  describe("bad configuration", () => {
    it.each(app.badVariables)(
      "refuses %s=%j: exit 1, one line naming it, no stack, nothing listening",
      async (variable, value) => {
        const port = await freePort();
        const result = runToExit({
          [portVariable]: String(port),
          [hostVariable]: "127.0.0.1",
          [variable]: value,
        });
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(
          new RegExp(`^${name}: invalid configuration: ${variable}: [^\\n]*\\n$`),
        );
        expect(result.stderr).not.toMatch(/\bat .*:\d+:\d+/);
        expect(result.stdout).toBe(""); // the server never started
        expect(await isRefused(port)).toBe(true);
      },
    );

    it("names every bad variable in one message", () => {
      const result = runToExit(app.severalBadVariables);
      expect(result.status).toBe(1);
      for (const variable of Object.keys(app.severalBadVariables))
        expect(result.stderr).toContain(`${variable}: `);
    });

    it("treats empty variables as unset and starts", async () => {
      const server = await start(Object.fromEntries(app.optionalVariables.map((variable) => [variable, ""])));
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    });
  });
}
