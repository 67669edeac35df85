// The schemas' rules, and the client on PGlite in memory and, when TEST_DATABASE_URL is set, on that server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { isUnavailable, openDatabase, type Database } from "../src/client.js";
import { note, noteInput, notes } from "../src/schema.js";

/** The first issue's message, or "ok". */
const check = (body: unknown) => noteInput.safeParse(body).error?.issues[0]?.message ?? "ok";

describe("noteInput", () => {
  it.each([
    ["buy milk", "ok"],
    ["😀".repeat(280), "ok"], // code points, not UTF-16 units
    ["e\u0301", "ok"],
    [" \t\n", "must not be empty"],
    ["\u200b\u202e\u2800", "must contain a visible character"],
    ["a\u0000b", "must not contain NUL"],
    ["a\ud800b", "must not contain a lone surrogate"],
    ["x".repeat(281), "must be at most 280 characters"],
  ])("%j: %s", (text, expected) => {
    expect(check({ text })).toBe(expected);
  });

  it("trims, and refuses a non-string or an unknown field", () => {
    expect(noteInput.parse({ text: "  hi \n" })).toEqual({ text: "hi" });
    expect(check({ text: 1 })).toBe("must be a string");
    expect(check({ text: "hi", extra: 1 })).toMatch(/"extra"/);
  });
});

/** A new database on TEST_DATABASE_URL's server, dropped after the file. */
async function serverDatabase(): Promise<string | undefined> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `test_db_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  afterAll(async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

const serverUrl = await serverDatabase();

describe.each([
  { driver: "PGlite", url: undefined },
  { driver: "PostgreSQL", url: serverUrl },
])("openDatabase on $driver", ({ driver, url }) => {
  const skip = driver === "PostgreSQL" && !url;
  let database: Database | undefined;
  afterAll(() => database?.close());

  it.skipIf(skip)("migrates (twice is a no-op), pings and queries", async () => {
    database = await openDatabase({ url });
    await database.migrate();
    await database.migrate();
    await database.ping();
    const [row] = await database.db.insert(notes).values({ text: "hello" }).returning();
    expect(await database.db.select().from(notes).where(eq(notes.id, row!.id))).toEqual([row]);
    // As the API sends it: JSON, so createdAt is an ISO string.
    const sent = JSON.parse(JSON.stringify({ ...row, seq: undefined })) as Record<string, unknown>;
    expect(note.parse(sent)).toEqual(sent);
    expect(note.safeParse({ ...sent, createdAt: "yesterday" }).success).toBe(false);
  });

  it.skipIf(!url)("lets replicas migrate at the same time", async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ url })));
    await Promise.all(replicas.map((replica) => replica.migrate()));
    await Promise.all(replicas.map((replica) => replica.close()));
  });
});

describe("openDatabase", () => {
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

  it("reports an unreachable server as unavailable", async () => {
    const database = await openDatabase({ url: "postgres://app@127.0.0.1:1/none", timeoutMs: 1_000 });
    const err: unknown = await database.ping().catch((e: unknown) => e);
    expect(isUnavailable(err)).toBe(true);
    expect(isUnavailable(new Error("syntax error at or near"))).toBe(false);
    expect(isUnavailable(new SyntaxError("Unterminated string in JSON"))).toBe(false);
    await database.close();
  });
});
