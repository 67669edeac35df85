// createApp() through supertest, on PGlite in memory or, when TEST_DATABASE_URL is set, on a new database there.
import { openDatabase } from "@repo/db/client";
import type { Note, NotePage } from "@repo/db/schema";
import { openTestDatabase } from "@repo/db/testing";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type Status } from "../src/app.ts";

const logger = pino({ level: "silent" });

const { database } = await openTestDatabase(process.env.TEST_DATABASE_URL);
const app = createApp({ database, logger });
beforeAll(() => database.migrate());
afterAll(() => database.close());

const post = (body: object) => request(app).post("/notes").send(body);

describe("/notes", () => {
  it("creates, gets, lists and deletes", async () => {
    const res = await post({ text: "  buy milk \n" });
    expect(res.status).toBe(201);
    const { note } = res.body as { note: Note };
    expect(note).not.toHaveProperty("seq"); // the cursor column stays inside the API
    expect(note.text).toBe("buy milk");
    expect((await request(app).get(`/notes/${note.id}`)).body).toEqual({ note });
    expect(((await request(app).get("/notes?limit=100")).body as NotePage).notes).toContainEqual(note);
    expect((await request(app).delete(`/notes/${note.id}`)).status).toBe(204);
    expect((await request(app).get(`/notes/${note.id}`)).status).toBe(404);
  });

  it("pages by cursor, oldest first, until nextCursor is null", async () => {
    const texts = ["a", "b", "c", "d", "e"];
    for (const text of texts) await post({ text });
    const seen: string[] = [];
    for (let after: string | null = ""; after !== null;) {
      const page = (await request(app).get(`/notes?limit=2${after && `&after=${after}`}`)).body as NotePage;
      seen.push(...page.notes.map((n) => n.text));
      after = page.nextCursor;
    }
    expect(seen.slice(-5)).toEqual(texts);
  });

  it.each([
    ["/notes?limit=101", 400, "validation_failed: limit must be at most 100"],
    ["/notes?after=nope", 400, "validation_failed: after is not a cursor this API gave out"],
    ["/notes/not-a-uuid", 404, "not_found: no note with that id"],
    ["/nope", 404, "not_found: no route for GET /nope"],
  ])("GET %s answers %i %s", async (path, status, body) => {
    const res = await request(app).get(path);
    expect([res.status, Object.values(res.body as object).join(": ")]).toEqual([status, body]);
  });

  it.each([
    [{ text: "" }, 400, "validation_failed: text must not be empty"],
    [{ text: "ok", extra: 1 }, 400, 'validation_failed: (body) Unrecognized key: "extra"'],
    [{ text: "x".repeat(17 * 1024) }, 413, "payload_too_large: the body is larger than 16 KiB"],
    ["text", 415, "unsupported_media_type: send the body as application/json"],
  ])("POST %j answers %i %s", async (body, status, answer) => {
    const res = await request(app)
      .post("/notes")
      .type(typeof body === "string" ? "text" : "json")
      .send(body);
    expect([res.status, Object.values(res.body as object).join(": ")]).toEqual([status, answer]);
  });
});

describe("errors and readiness", () => {
  it("answers 500 without the error's message or stack, with the security headers", async () => {
    const unmigrated = await openDatabase({ pgliteDir: "memory://" });
    const res = await request(createApp({ database: unmigrated, logger })).get("/notes");
    await unmigrated.close();
    expect(res.body).toEqual({ error: "internal_error", message: "something went wrong on our side" });
    expect(res.headers).toMatchObject({
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
    });
  });

  it("answers 503 + Retry-After until migrated, and /ready 503 while draining", async () => {
    const status: Status = { migrated: false, draining: false };
    const starting = createApp({ database, logger, status });
    const res = await request(starting).post("/notes").send({ text: "early" });
    expect([res.status, res.headers["retry-after"], (res.body as { error: string }).error]).toEqual([
      503,
      "1",
      "database_unavailable",
    ]);
    expect((await request(starting).get("/ready")).status).toBe(503);
    status.migrated = true;
    expect((await request(starting).get("/ready")).body).toEqual({ status: "ready" });
    status.draining = true;
    expect((await request(starting).get("/ready")).body).toMatchObject({ error: "shutting_down" });
    expect((await request(starting).get("/health")).body).toEqual({ status: "ok" });
  });
});
