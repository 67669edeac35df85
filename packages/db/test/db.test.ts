// The schemas' rules, and the client on PGlite in memory or, when TEST_DATABASE_URL is set, on that server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isUnavailable, openDatabase } from "../src/client.ts";
import { note, noteInput, notes } from "../src/schema.ts";
import { openTestDatabase } from "../src/testing.ts";

describe("noteInput", () => {
  it.each([
    ["  buy milk \n", "ok"],
    ["😀".repeat(280), "ok"], // code points, not UTF-16 units
    [" \t\n", "must not be empty"],
    ["\u200b\u202e\u2800", "must contain a visible character"],
    ["a\u0000b", "must not contain NUL"],
    ["a\ud800b", "must not contain a lone surrogate"],
    ["x".repeat(281), "must be at most 280 characters"],
    [1, "must be a string"],
  ])("%j: %s", (text, expected) => {
    expect(noteInput.safeParse({ text }).error?.issues[0]?.message ?? "ok").toBe(expected);
  });

  it("trims, and refuses an unknown field", () => {
    expect(noteInput.parse({ text: "  hi \n" })).toEqual({ text: "hi" });
    expect(noteInput.safeParse({ text: "hi", extra: 1 }).success).toBe(false);
  });
});

describe("openDatabase", () => {
  const testDatabase = openTestDatabase(process.env.TEST_DATABASE_URL);
  afterAll(async () => (await testDatabase).database.close());

  it("migrates (twice is a no-op), and a stored row reads back as the API sends it", async () => {
    const { database } = await testDatabase;
    await database.migrate();
    await database.migrate();
    await database.ping();
    const [row] = await database.db.insert(notes).values({ text: "hello" }).returning();
    const sent = JSON.parse(JSON.stringify({ ...row, seq: undefined })) as unknown;
    expect(note.parse(sent)).toEqual(sent);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("lets replicas migrate at the same time", async () => {
    const { url } = await testDatabase;
    const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ url })));
    await Promise.all(replicas.map((replica) => replica.migrate()));
    await Promise.all(replicas.map((replica) => replica.close()));
  });

  it("seeds a new PGlite directory once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "db-test-"));
    try {
      for (let start = 0; start < 2; start++) {
        const database = await openDatabase({ pgliteDir: join(dir, "data") });
        await database.migrate();
        expect(await database.db.select().from(notes)).toHaveLength(1);
        await database.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports an unreachable server as unavailable, and a wrong query as not", async () => {
    const database = await openDatabase({ url: "postgres://app@127.0.0.1:1/none", timeoutMs: 1_000 });
    expect(isUnavailable(await database.ping().catch((e: unknown) => e))).toBe(true);
    expect(isUnavailable(new Error("syntax error at or near"))).toBe(false);
    await database.close();
  });
});
