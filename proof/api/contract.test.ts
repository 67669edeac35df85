// The resource's contract through the BUILT API, on PostgreSQL and on PGlite: the same cases on both, so development
// (PGlite) and production (PostgreSQL) can't drift apart. One server per database, emptied before every case.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApi, type RunningServer } from "../support/index.mjs";
import { deleteAll, listAll, post, requireApiBuilt, type Row } from "./helpers.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const databases = [
  { name: "PostgreSQL", env: {} },
  { name: "PGlite", env: { NODE_ENV: "development", DATABASE_URL: "", PGLITE_DATA_DIR: "memory://" } },
];

describe.each(databases)("the contract on $name", ({ env }) => {
  let api: RunningServer;
  beforeAll(async () => {
    requireApiBuilt();
    api = await startApi({ env: { LOG_LEVEL: "warn", ...env } });
  });
  afterAll(() => api?.stop("SIGKILL"));
  beforeEach(() => deleteAll(api.url));

  const get = async (path: string) => {
    const res = await fetch(`${api.url}${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const del = async (path: string) => (await fetch(`${api.url}${path}`, { method: "DELETE" })).status;
  const created = async (text: string) => (await post(api.url, text)).body.note!;

  it("creates, gets, lists and removes", async () => {
    const res = await post(api.url, "  hello database  ");
    expect(res.status).toBe(201);
    const note = res.body.note!;
    expect(note).toEqual({
      id: expect.stringMatching(UUID) as string,
      text: "hello database",
      createdAt: expect.any(String) as string,
    });
    expect(Math.abs(Date.parse(note.createdAt) - Date.now())).toBeLessThan(60_000);
    expect((await get(`/notes/${note.id}`)).body).toEqual({ note });
    expect((await get("/notes")).body).toEqual({ notes: [note], nextCursor: null });
    expect(await del(`/notes/${note.id}`)).toBe(204);
    expect(await del(`/notes/${note.id}`)).toBe(404);
    expect((await get(`/notes/${note.id}`)).status).toBe(404);
    expect((await get("/notes")).body).toEqual({ notes: [], nextCursor: null });
  });

  it("lists oldest first", async () => {
    const texts = ["one", "two", "three", "four", "five"];
    for (const text of texts) await created(text);
    const rows = await listAll(api.url, 2);
    expect(rows.map((n) => n.text)).toEqual(texts);
    const times = rows.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("stores 280 code points exactly (emoji count once) and refuses 281, NUL and lone surrogates", async () => {
    const text = "😀".repeat(279) + "é";
    const note = await created(text);
    expect(((await get(`/notes/${note.id}`)).body as { note: Row }).note.text).toBe(text);
    for (const bad of ["😀".repeat(281), "a\u0000b", "a\ud800b", "\udfff"])
      expect((await post(api.url, bad)).body.error).toBe("validation_failed");
    expect(await listAll(api.url)).toEqual([note]);
  });

  it("keeps every one of 50 concurrent creates, each once", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(api.url, `row ${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const listed = await listAll(api.url, 7);
    expect(listed.map((n) => n.text).sort()).toEqual(results.map((r) => r.body.note!.text).sort());
    expect(new Set(listed.map((n) => n.id)).size).toBe(50);
  });

  it("pages by the cursor: nothing skipped or repeated when a row is deleted between pages", async () => {
    const rows: Row[] = [];
    for (const text of ["a", "b", "c", "d", "e"]) rows.push(await created(text));
    const first = (await get("/notes?limit=2")).body as { notes: Row[]; nextCursor: string };
    expect(first.notes.map((n) => n.text)).toEqual(["a", "b"]);
    // The row the cursor points at goes away: the next page still starts right after it.
    expect(await del(`/notes/${rows[1]!.id}`)).toBe(204);
    const second = (await get(`/notes?limit=2&after=${first.nextCursor}`)).body as {
      notes: Row[];
      nextCursor: string;
    };
    expect(second.notes.map((n) => n.text)).toEqual(["c", "d"]);
    expect((await get(`/notes?limit=2&after=${second.nextCursor}`)).body).toEqual({
      notes: [rows[4]],
      nextCursor: null,
    });
  });

  it("answers 404 (not 500) for ids that are not UUIDs, and for unknown UUIDs", async () => {
    for (const id of [
      "not-a-uuid",
      "1",
      "%27%3B%20drop%20table%20notes%3B--",
      "00000000-0000-0000-0000-00000000000g",
    ]) {
      expect((await get(`/notes/${id}`)).status).toBe(404);
      expect(await del(`/notes/${id}`)).toBe(404);
    }
    const unknown = "3f1c9a52-6f0e-4b7e-9a3b-2b8f1d2c4e5a";
    expect((await get(`/notes/${unknown}`)).body).toMatchObject({ error: "not_found" });
    expect(await del(`/notes/${unknown}`)).toBe(404);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=-1", "limit"],
    ["limit=1&limit=2", "limit"],
    ["after=not-a-cursor", "after"],
    [`after=${Buffer.from("0").toString("base64url")}`, "after"],
    ["after=", "after"],
  ])("refuses ?%s with 400 naming %s", async (query, field) => {
    const res = await get(`/notes?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: "validation_failed",
      message: expect.stringMatching(new RegExp(`^${field} `)) as string,
    });
  });
});
