// startServer() against a fixture server: readiness, output, stop, early exit, and no orphans.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, paths, sleep, startServer } from "../index.mjs";

const fixture = join(import.meta.dirname, "fixture-server.mjs");

async function start(mode: string, extra: { timeoutMs?: number } = {}) {
  const port = await freePort();
  return startServer({ entry: fixture, env: { FIXTURE_PORT: String(port), FIXTURE_MODE: mode }, ...extra });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("@repo/test-support", () => {
  it("finds the repository's root", () => {
    expect(existsSync(join(paths.repoRoot, "pnpm-workspace.yaml"))).toBe(true);
    expect(paths.apiEntry.startsWith(join(paths.repoRoot, "apps/api/"))).toBe(true);
    expect(paths.webEntry.startsWith(join(paths.repoRoot, "apps/web/"))).toBe(true);
  });

  it("gives a port that can be listened on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("starts a server, resolves once it answers, captures output, and stops it with SIGTERM", async () => {
    const server = await start("ok");
    expect((await fetch(server.url)).status).toBe(200);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.output()).toContain("fixture: listening");
    expect(await server.stop()).toEqual({ code: null, signal: "SIGTERM" });
    expect(server.alive()).toBe(false);
  });

  it("rejects with the server's output when it exits before answering", async () => {
    await expect(start("exit")).rejects.toThrow(/exited \(code 3[\s\S]*leaving at once/);
  });

  it("rejects, and kills the server, when it never answers 2xx in time", async () => {
    const port = await freePort();
    const err = (await startServer({
      entry: fixture,
      env: { FIXTURE_PORT: String(port), FIXTURE_MODE: "never-ready" },
      timeoutMs: 500,
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/did not answer 2xx within 500 ms \(last: 503\)/);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it("stop() falls back to SIGKILL when the server ignores the signal", async () => {
    const server = await start("stubborn");
    const started = Date.now();
    expect(await server.stop("SIGTERM", 300)).toEqual({ code: null, signal: "SIGKILL" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ["exits normally", {}],
    ["dies by SIGTERM", { ORPHAN_SIGNAL: "1" }],
  ])("leaves no server behind when the process that started it %s", async (_name, env) => {
    const run = spawnSync(process.execPath, [join(import.meta.dirname, "orphan.mjs")], {
      env: { PATH: process.env.PATH, ...env },
      encoding: "utf8",
      timeout: 15_000,
    });
    const pid = Number(run.stdout.trim());
    expect(pid, run.stderr).toBeGreaterThan(0);
    for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(50);
    expect(isAlive(pid)).toBe(false);
  });
});
