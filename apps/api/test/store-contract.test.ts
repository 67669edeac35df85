// The note store's contract, through the HTTP routes, against a real PostgreSQL server AND against PGlite: the same
// cases on both, so development (PGlite) and production (PostgreSQL) can't drift apart. Each backend is one database
// for the file, emptied before every case.
import { testDatabaseUrl } from "@repo/test-support";
import { sql } from "drizzle-orm";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectPostgres, openPglite, type Connection } from "../src/db/connection.js";
import { Database } from "../src/db/database.js";
import type { Note } from "@repo/db/schema";
import { silentLogger, testApp } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const postgresUrl = await testDatabaseUrl();

const backends: { name: string; open: (() => Promise<Connection>) | undefined }[] = [
  {
    name: "PostgreSQL",
    open:
      postgresUrl === undefined
        ? undefined
        : () =>
            Promise.resolve(
              connectPostgres({ url: postgresUrl, poolMax: 20, timeoutMs: 5_000, logger: silentLogger() }),
            ),
  },
  { name: "PGlite", open: () => openPglite("memory://") },
];

describe.each(backends)("notes on $name", ({ open }) => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await open!();
    await connection.migrate();
  }, 60_000);
  afterAll(() => connection?.close());
  beforeEach(async () => {
    await connection.db.execute(sql`truncate notes`);
  });

  /** The app on this backend, through the same Database wrapper the server uses. */
  async function app() {
    const database = new Database(() => Promise.resolve(connection), { logger: silentLogger() });
    await database.start();
    return testApp({ store: database.store, readiness: { ready: true, database: () => database.isReady() } });
  }

  const post = (server: Awaited<ReturnType<typeof app>>, text: unknown) =>
    request(server).post("/notes").set("Content-Type", "application/json").send(JSON.stringify({ text }));

  it.skipIf(!open)("is ready once migrated", async () => {
    expect((await request(await app()).get("/ready")).body).toEqual({ status: "ready" });
  });

  it.skipIf(!open)("creates, gets, lists and removes a note", async () => {
    const server = await app();
    const created = await post(server, "  hello database  ");
    expect(created.status).toBe(201);
    const { note } = created.body as { note: Note };
    // toMatchObject: a column added later (docs/apps.md) comes back too, with its default.
    expect(note).toMatchObject({
      id: expect.stringMatching(UUID) as string,
      text: "hello database",
      createdAt: expect.any(String) as string,
    });
    expect(Math.abs(Date.parse(note.createdAt) - Date.now())).toBeLessThan(60_000);

    expect((await request(server).get(`/notes/${note.id}`)).body).toEqual({ note });
    expect((await request(server).get("/notes")).body).toEqual({ notes: [note], nextCursor: null });
    expect((await request(server).delete(`/notes/${note.id}`)).status).toBe(204);
    expect((await request(server).delete(`/notes/${note.id}`)).status).toBe(404);
    expect((await request(server).get(`/notes/${note.id}`)).status).toBe(404);
    expect((await request(server).get("/notes")).body).toEqual({ notes: [], nextCursor: null });
  });

  it.skipIf(!open)("lists notes oldest first, newest last", async () => {
    const server = await app();
    const texts = ["one", "two", "three", "four", "five"];
    for (const text of texts) expect((await post(server, text)).status).toBe(201);
    const { notes } = (await request(server).get("/notes")).body as { notes: Note[] };
    expect(notes.map((n) => n.text)).toEqual(texts);
    const times = notes.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it.skipIf(!open)("stores 280 code points exactly (emoji count once) and refuses 281", async () => {
    const server = await app();
    const text = "😀".repeat(279) + "é";
    const created = await post(server, text);
    expect(created.status).toBe(201);
    const { note } = created.body as { note: Note };
    expect(((await request(server).get(`/notes/${note.id}`)).body as { note: Note }).note.text).toBe(text);
    const tooLong = await post(server, "😀".repeat(281));
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as { error: string }).error).toBe("validation_failed");
  });

  it.skipIf(!open)(
    "refuses NUL and lone surrogates with 400 validation_failed, storing nothing",
    async () => {
      const server = await app();
      for (const body of ['{"text":"a\\u0000b"}', '{"text":"a\\ud800b"}', '{"text":"\\udfff"}']) {
        const res = await request(server).post("/notes").set("Content-Type", "application/json").send(body);
        expect(res.status).toBe(400);
        expect((res.body as { error: string }).error).toBe("validation_failed");
      }
      expect((await request(server).get("/notes")).body).toEqual({ notes: [], nextCursor: null });
    },
  );

  it.skipIf(!open)("keeps every one of 50 concurrent creates, each once, in one order", async () => {
    const server = await app();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(server, `note ${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const listed: Note[] = [];
    let after: string | null = null;
    do {
      const res = await request(server)
        .get("/notes")
        .query(after === null ? { limit: 7 } : { limit: 7, after });
      const page = res.body as { notes: Note[]; nextCursor: string | null };
      listed.push(...page.notes);
      after = page.nextCursor;
    } while (after !== null && listed.length <= 50);
    expect(listed.map((n) => n.text).sort()).toEqual(
      results.map((r) => (r.body as { note: Note }).note.text).sort(),
    );
    expect(new Set(listed.map((n) => n.id)).size).toBe(50);
  });

  it.skipIf(!open)(
    "pages by the cursor: no note skipped or repeated when one is deleted between pages",
    async () => {
      const server = await app();
      const created: Note[] = [];
      for (const text of ["a", "b", "c", "d", "e"])
        created.push(((await post(server, text)).body as { note: Note }).note);
      const first = (await request(server).get("/notes").query({ limit: 2 })).body as {
        notes: Note[];
        nextCursor: string;
      };
      expect(first.notes.map((n) => n.text)).toEqual(["a", "b"]);
      // The note the cursor points at goes away: the next page still starts right after it.
      expect((await request(server).delete(`/notes/${created[1]!.id}`)).status).toBe(204);
      const second = (await request(server).get("/notes").query({ limit: 2, after: first.nextCursor }))
        .body as {
        notes: Note[];
        nextCursor: string;
      };
      expect(second.notes.map((n) => n.text)).toEqual(["c", "d"]);
      const last: unknown = (
        await request(server).get("/notes").query({ limit: 2, after: second.nextCursor })
      ).body;
      expect(last).toEqual({ notes: [created[4]], nextCursor: null });
    },
  );

  it.skipIf(!open)("answers 404 (not 500) for ids that are not UUIDs, and for unknown UUIDs", async () => {
    const server = await app();
    for (const id of [
      "not-a-uuid",
      "1",
      "%27%3B%20drop%20table%20notes%3B--",
      "00000000-0000-0000-0000-00000000000g",
    ]) {
      expect((await request(server).get(`/notes/${id}`)).status).toBe(404);
      expect((await request(server).delete(`/notes/${id}`)).status).toBe(404);
    }
    const unknown = "3f1c9a52-6f0e-4b7e-9a3b-2b8f1d2c4e5a";
    expect((await request(server).get(`/notes/${unknown}`)).body).toMatchObject({ error: "not_found" });
    expect((await request(server).delete(`/notes/${unknown}`)).status).toBe(404);
  });
});
