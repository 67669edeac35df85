// startPostgres(): a throwaway cluster that answers, crashes and comes back on demand, and leaves nothing behind.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { everySuiteRequired, findPostgresBin, sleep, startPostgres } from "../index.mjs";
import { postgresLeftovers } from "../leftovers.mjs";

const bin = findPostgresBin();
if (!bin && everySuiteRequired) throw new Error("PostgreSQL binaries not found (REQUIRE_EVERY_SUITE=1)");

async function select1(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return (await client.query<{ one: number }>("select 1 as one")).rows[0]?.one;
  } finally {
    await client.end();
  }
}

describe.skipIf(!bin)("startPostgres", () => {
  it("starts a cluster on 127.0.0.1, kills it like a crash, starts it again, and removes it on stop", async () => {
    const cluster = await startPostgres();
    expect(cluster.url).toBe(`postgres://app@127.0.0.1:${cluster.port}/postgres`);
    expect(await select1(cluster.url)).toBe(1);

    const db = await cluster.createDatabase();
    expect(new URL(db).pathname).toMatch(/^\/test_/);
    expect(await select1(db)).toBe(1);

    cluster.kill();
    await expect(select1(cluster.url)).rejects.toThrow(/ECONNREFUSED/);
    cluster.start();
    expect(await select1(db)).toBe(1); // the data directory survived

    await cluster.stop();
    expect(existsSync(cluster.dir)).toBe(false);
    await expect(select1(cluster.url)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe.skipIf(!bin)("postgres-cli.mjs", () => {
  it("start --owner: the cluster is stopped and removed once the owner is gone, even SIGKILLed", async () => {
    const parent = mkdtempSync(join(tmpdir(), "postgres-cli-test-"));
    chmodSync(parent, 0o755); // as root, initdb runs as the postgres user
    const dir = join(parent, "pg");
    const cli = join(import.meta.dirname, "../postgres-cli.mjs");
    try {
      // A stand-in for a shell suite: starts the cluster as its owner, then dies without running any trap.
      const suite = spawnSync(
        "bash",
        ["-c", `node "$1" start "$2" --owner $$ && kill -KILL $$`, "suite", cli, dir],
        { encoding: "utf8", timeout: 120_000, env: { ...process.env, TEST_DATABASE_URL: "" } }, // its own cluster
      );
      expect(suite.signal, suite.stderr).toBe("SIGKILL");
      expect(suite.stdout).toMatch(/^postgres:\/\/app@127\.0\.0\.1:\d+\/test_/);
      const running = () => postgresLeftovers().some((item) => item.includes(`-D ${dir}/`));
      while (existsSync(dir) || running()) await sleep(100); // the test's timeout bounds it
      expect(running()).toBe(false);
    } finally {
      spawnSync(process.execPath, [cli, "stop", dir], { stdio: "ignore", timeout: 60_000 }); // if it failed
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);
});
