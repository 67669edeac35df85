// The BUILT server (dist/index.mjs, as `pnpm start` and the image run it) as a child process: graceful
// shutdown on SIGTERM with a slow in-flight request, the SHUTDOWN_TIMEOUT_MS bound, and bad configuration.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Note } from "../src/store.js";
import { freePort, isRefused, rawRequest, sendRaw, sleep } from "./support.js";

const apiDir = fileURLToPath(new URL("..", import.meta.url));
const entry = join(apiDir, "dist", "index.mjs");

/** turbo builds before testing; when run directly (or src changed since), build here so dist is current. */
function ensureBuilt() {
  const srcDir = join(apiDir, "src");
  const newestSrc = Math.max(...readdirSync(srcDir).map((f) => statSync(join(srcDir, f)).mtimeMs));
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestSrc) return;
  const build = spawnSync(process.execPath, ["build.mjs"], {
    cwd: apiDir,
    env: {},
    encoding: "utf8",
    timeout: 60_000,
  });
  if (build.status !== 0) throw new Error(`building the API failed:\n${build.stdout}\n${build.stderr}`);
}

interface Running {
  child: ChildProcess;
  port: number;
  /** Resolves with the exit code once the process has exited. */
  exit: Promise<number | null>;
  /** Parsed pino lines written so far. */
  logs(): { msg?: string; [key: string]: unknown }[];
  stderr(): string;
}

const children: ChildProcess[] = [];

/** Runs dist/index.mjs with exactly `env` (plus test defaults) and waits for its "listening" log line. */
function startBuilt(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [entry], {
    cwd: apiDir,
    env: { NODE_ENV: "production", API_HOST: "127.0.0.1", API_PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const logs = () =>
    stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: string; [key: string]: unknown });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "api listening" line within 10 s; stdout: ${stdout}; stderr: ${stderr}`)),
      10_000,
    );
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited (${code}) before listening; stderr: ${stderr}`));
    });
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const listening = logs().find((l) => l.msg?.startsWith("api listening"));
      if (listening && typeof listening.port === "number") {
        clearTimeout(timer);
        resolve({ child, port: listening.port, exit, logs, stderr: () => stderr });
      }
    });
  });
}

/** Resolves with `promise`'s value, or rejects when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => Promise.reject(new Error(`${what} took longer than ${ms} ms`))),
  ]);
}

describe("the built server as a process", () => {
  beforeAll(() => {
    ensureBuilt();
  }, 90_000);
  afterAll(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  it("on SIGTERM: /ready turns 503, the listener closes, the slow request completes with 201, exit 0", async () => {
    const api = await startBuilt({ SHUTDOWN_DELAY_MS: "400" });
    expect((await sendRaw(api.port, [rawRequest({ path: "/ready" })])).status).toBe(200);

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
    const slow = sendRaw(api.port, [Buffer.concat([head, pieces[0]!]), ...pieces.slice(1)], {
      delayMs: 200,
      timeoutMs: 10_000,
    }).finally(() => {
      slowDone = true;
    });

    await sleep(250);
    const signalled = Date.now();
    api.child.kill("SIGTERM");
    await sleep(100);

    // Inside SHUTDOWN_DELAY_MS the listener still accepts, and readiness reports the shutdown. The client asks
    // for keep-alive; the server answers `Connection: close` and closes the socket so it cannot linger.
    const ready = await sendRaw(
      api.port,
      [rawRequest({ path: "/ready", headers: [["Connection", "keep-alive"]] })],
      { timeoutMs: 1_000 },
    );
    expect(Date.now() - signalled).toBeLessThan(400);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ error: "shutting_down" });
    expect(ready.headers.connection).toBe("close");
    expect(ready.closedByServer).toBe(true);
    // Answering a request during the window must not disturb the process (it used to crash it).
    const health = await sendRaw(api.port, [rawRequest({ path: "/health" })]);
    expect(health.status).toBe(200);
    expect(api.child.exitCode).toBeNull();

    // After the delay the listener is closed: new connections are refused while the slow body still trickles in.
    await sleep(Math.max(0, signalled + 450 - Date.now()));
    let refused = await isRefused(api.port);
    while (!refused && Date.now() - signalled < 1_000) {
      await sleep(50);
      refused = await isRefused(api.port);
    }
    expect(refused).toBe(true);
    expect(slowDone).toBe(false);

    const res = await slow;
    expect(res.status).toBe(201);
    expect((JSON.parse(res.body) as { note: Note }).note.text).toBe(text);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1_000);

    expect(await within(api.exit, 10_000, "exiting after SIGTERM")).toBe(0);
    const messages = api.logs().map((l) => l.msg);
    expect(messages).toContain("shutting down");
    expect(messages).toContain("drained; bye");
    expect(messages).not.toContain("in-flight requests did not finish in time");
  });

  it("exits 0 promptly on SIGINT when idle", async () => {
    const api = await startBuilt({});
    const started = Date.now();
    api.child.kill("SIGINT");
    expect(await within(api.exit, 5_000, "exiting after SIGINT")).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(api.logs().find((l) => l.msg === "shutting down")?.signal).toBe("SIGINT");
  });

  it("enforces SHUTDOWN_TIMEOUT_MS: a request that outlasts it makes the process exit 1", async () => {
    const api = await startBuilt({ SHUTDOWN_DELAY_MS: "0", SHUTDOWN_TIMEOUT_MS: "300" });
    // Declares 100 bytes, sends 10, and never sends the rest.
    const stuck = sendRaw(
      api.port,
      [
        rawRequest({
          method: "POST",
          path: "/notes",
          headers: [
            ["Content-Type", "application/json"],
            ["Content-Length", "100"],
          ],
          body: '{"text": "',
        }),
      ],
      { timeoutMs: 10_000 },
    );
    await sleep(150);
    const signalled = Date.now();
    api.child.kill("SIGTERM");

    expect(await within(api.exit, 5_000, "exiting after the shutdown timeout")).toBe(1);
    const elapsed = Date.now() - signalled;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3_000);
    expect(api.logs().map((l) => l.msg)).toContain("in-flight requests did not finish in time");

    // The stuck connection was cut by the server, without an answer.
    const res = await stuck;
    expect(res.closedByServer).toBe(true);
    expect(res.status).not.toBe(201);
  });

  it("refuses API_PORT=abc: exit 1, a clear message naming it, nothing listening", () => {
    const result = spawnSync(process.execPath, [entry], {
      env: { API_PORT: "abc" },
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^api: invalid configuration: .*API_PORT/);
    expect(result.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    expect(result.stdout).not.toContain("listening");
  });

  it("refuses a bad LOG_LEVEL and WEB_ORIGIN, naming both, and does not listen on the given API_PORT", async () => {
    const port = await freePort();
    const result = spawnSync(process.execPath, [entry], {
      env: { API_PORT: String(port), API_HOST: "127.0.0.1", LOG_LEVEL: "chatty", WEB_ORIGIN: "nope" },
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^api: invalid configuration: /);
    expect(result.stderr).toContain("LOG_LEVEL");
    expect(result.stderr).toContain("WEB_ORIGIN");
    expect(await isRefused(port)).toBe(true);
  });
});
