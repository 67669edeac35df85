// startPostgres(): a throwaway cluster that answers, crashes and comes back on demand, and leaves nothing behind.
import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { everySuiteRequired, findPostgresBin, startPostgres } from "../index.mjs";

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
