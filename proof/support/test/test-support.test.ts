// startServer() against a fixture server: readiness, output, stop, early exit; the registry; and no orphans, however
// the process that started a server or a cluster ends.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanupAll, findPostgresBin, freePort, paths, sleep, startServer, stillRunning } from "../index.mjs";
import { postgresLeftovers } from "../leftovers.mjs";

const bin = findPostgresBin();

/** True while a PostgreSQL server runs with its data in `dir`. */
const postmasterIn = (dir: string) => postgresLeftovers().some((item) => item.includes(`-D ${dir}/`));

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

describe("proof/support", () => {
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
      timeoutMs: 2_000,
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/did not answer 2xx within 2000 ms \(last: \d+\)/);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it("stop() falls back to SIGKILL when the server ignores the signal", async () => {
    const server = await start("stubborn");
    expect(await server.stop("SIGTERM", 300)).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("cleanupAll() stops every server still registered", async () => {
    const servers = [await start("ok"), await start("ok")];
    for (const server of servers)
      expect(stillRunning().some((name) => name.includes(`pid ${server.pid}`))).toBe(true);
    await cleanupAll();
    expect(servers.map((s) => s.alive())).toEqual([false, false]);
    expect(stillRunning()).toEqual([]);
  });

  it.each([
    ["exits normally", "exit"],
    ["dies by SIGTERM", "SIGTERM"],
    ["is SIGKILLed (no handler runs: the reapers clean up)", "SIGKILL"],
  ])(
    "leaves no server and no PostgreSQL cluster behind when the process that started them %s",
    async (_name, end) => {
      const withPostgres = bin !== undefined;
      const run = spawnSync(process.execPath, [join(import.meta.dirname, "orphan.mjs")], {
        env: {
          PATH: process.env.PATH,
          ORPHAN_END: end,
          ORPHAN_POSTGRES: withPostgres ? "1" : "",
          PG_TEST_RUN: process.env.PG_TEST_RUN,
        },
        encoding: "utf8",
        timeout: 120_000,
      });
      const { pid, dir } = JSON.parse(run.stdout.trim() || "{}") as { pid?: number; dir?: string };
      expect(pid, run.stderr).toBeGreaterThan(0);
      if (withPostgres) expect(dir, run.stderr).toMatch(/pg-test-/);
      const gone = () => !isAlive(pid!) && !(dir && (existsSync(dir) || postmasterIn(dir)));
      for (let i = 0; i < 600 && !gone(); i++) await sleep(100); // a generous bound: a busy machine is slow
      expect(isAlive(pid!)).toBe(false);
      if (dir) {
        expect(postmasterIn(dir)).toBe(false);
        expect(existsSync(dir)).toBe(false);
      }
    },
    150_000,
  );
});
