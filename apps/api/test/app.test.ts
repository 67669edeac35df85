// createApp() through supertest, on PGlite in memory or, when TEST_DATABASE_URL is set, on a new database there.
import { connect, createServer, type Socket } from "node:net";
import { openDatabase, type Database } from "@repo/db/client";
import type { Note, NotePage } from "@repo/db/schema";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type Status } from "../src/app.js";

const logger = pino({ level: "silent" });
const serverUrl = process.env.TEST_DATABASE_URL;

/** A migrated database for this file: PGlite in memory, or a new one on TEST_DATABASE_URL's server. */
async function testDatabase(): Promise<{ database: Database; url?: string }> {
  if (!serverUrl) return { database: await openDatabase({ pgliteDir: "memory://" }) };
  const name = `test_api_${process.pid}_${Date.now()}`;
  const admin = await openDatabase({ url: serverUrl });
  await admin.db.execute(sql.raw(`create database ${name}`));
  afterAll(async () => {
    await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
    await admin.close();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { database: await openDatabase({ url: url.href }), url: url.href };
}

const { database, url } = await testDatabase();
const app = createApp({ database, logger });
beforeAll(() => database.migrate());
afterAll(() => database.close());

const post = (body: unknown) =>
  request(app)
    .post("/notes")
    .send(body as object);
const created = async (text: string) => ((await post({ text })).body as { note: Note }).note;

describe("health and readiness", () => {
  it("answers /health and /ready, and /ready 503 once draining", async () => {
    const status: Status = { migrated: true, draining: false };
    const draining = createApp({ database, logger, status });
    expect((await request(draining).get("/health")).body).toEqual({ status: "ok" });
    expect((await request(draining).get("/ready")).body).toEqual({ status: "ready" });
    status.draining = true;
    const ready = await request(draining).get("/ready");
    expect([ready.status, ready.body]).toMatchObject([503, { error: "shutting_down" }]);
  });
});

describe("/notes", () => {
  it("creates, gets, lists and deletes", async () => {
    const res = await post({ text: "  buy milk \n" });
    expect(res.status).toBe(201);
    const { note } = res.body as { note: Note };
    expect(note).toEqual({
      id: expect.any(String) as string,
      text: "buy milk",
      createdAt: expect.any(String) as string,
    });
    expect((await request(app).get(`/notes/${note.id}`)).body).toEqual({ note });
    expect(((await request(app).get("/notes?limit=100")).body as NotePage).notes).toContainEqual(note);
    expect((await request(app).delete(`/notes/${note.id}`)).status).toBe(204);
    expect((await request(app).get(`/notes/${note.id}`)).status).toBe(404);
  });

  it.each(["/notes/3f1c9a52-6f0e-4b7e-9a3b-2b8f1d2c4e5a", "/notes/not-a-uuid", "/nope"])(
    "answers 404 JSON for %s",
    async (path) => {
      const res = await request(app).get(path);
      expect([res.status, (res.body as { error: string }).error]).toEqual([404, "not_found"]);
    },
  );

  it("pages by cursor, oldest first, until nextCursor is null", async () => {
    const texts = ["a", "b", "c", "d", "e"];
    for (const text of texts) await created(text);
    const seen: string[] = [];
    let after: string | null = "";
    while (after !== null) {
      const res = await request(app).get(`/notes?limit=2${after && `&after=${after}`}`);
      const page = res.body as NotePage;
      seen.push(...page.notes.map((n) => n.text));
      after = page.nextCursor;
    }
    expect(seen.slice(-5)).toEqual(texts);
  });

  it.each([
    ["limit=0", "limit must be at least 1"],
    ["limit=101", "limit must be at most 100"],
    ["limit=ten", "limit must be plain decimal digits"],
    ["after=nope", "after is not a cursor this API gave out"],
  ])("refuses ?%s with 400", async (query, message) => {
    const res = await request(app).get(`/notes?${query}`);
    expect([res.status, res.body]).toEqual([400, { error: "validation_failed", message }]);
  });
});

describe("request bodies", () => {
  it.each([
    [{ text: "" }, "text must not be empty"],
    [{ text: 42 }, "text must be a string"],
    [{ text: "ok", extra: 1 }, '(body) Unrecognized key: "extra"'],
  ])("refuses %j with 400 naming the first issue", async (body, message) => {
    const res = await post(body);
    expect([res.status, res.body]).toEqual([400, { error: "validation_failed", message }]);
  });

  it("answers 413 over 16 KiB, 415 for non-JSON, 400 for broken JSON", async () => {
    const big = await post({ text: "x".repeat(17 * 1024) });
    expect([big.status, (big.body as { error: string }).error]).toEqual([413, "payload_too_large"]);
    const text = await request(app).post("/notes").set("Content-Type", "text/plain").send("hi");
    expect([text.status, (text.body as { error: string }).error]).toEqual([415, "unsupported_media_type"]);
    const broken = await request(app).post("/notes").set("Content-Type", "application/json").send("{");
    expect([broken.status, (broken.body as { error: string }).error]).toEqual([400, "invalid_json"]);
  });
});

describe("errors", () => {
  it("sets helmet's headers, even on errors", async () => {
    const res = await request(app).get("/nope");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("answers 500 without the error's message or stack", async () => {
    const unmigrated = await openDatabase({ pgliteDir: "memory://" });
    const res = await request(createApp({ database: unmigrated, logger })).get("/notes");
    await unmigrated.close();
    expect(res.body).toEqual({ error: "internal_error", message: "something went wrong on our side" });
  });

  it("answers 503 + Retry-After until migrated, then works", async () => {
    const status: Status = { migrated: false, draining: false };
    const starting = createApp({ database, logger, status });
    const res = await request(starting).post("/notes").send({ text: "early" });
    expect([res.status, res.headers["retry-after"], res.body]).toEqual([
      503,
      "1",
      { error: "database_unavailable", message: "the database is unavailable; try again shortly" },
    ]);
    expect((await request(starting).get("/ready")).status).toBe(503);
    status.migrated = true;
    expect((await request(starting).post("/notes").send({ text: "now" })).status).toBe(201);
  });

  it("answers 503 while the database server is unreachable, and recovers when it is back", async () => {
    // A TCP proxy in front of the server: closing it is an outage.
    const target = new URL(url ?? "postgres://app@127.0.0.1:1/none");
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        sockets.add(a);
        a.pipe(b);
        a.on("error", () => b.destroy());
      }
    });
    const listen = (port = 0) =>
      new Promise<number>((resolve) =>
        proxy.listen(port, "127.0.0.1", () => resolve((proxy.address() as { port: number }).port)),
      );
    const port = await listen();
    const via = new URL(target);
    via.host = `127.0.0.1:${port}`;
    const remote = await openDatabase({ url: via.href, timeoutMs: 1_000 });
    const api = createApp({ database: remote, logger });
    try {
      if (url) expect((await request(api).get("/notes")).status).toBe(200);
      proxy.close();
      for (const socket of sockets) socket.destroy();
      const down = await request(api).get("/notes");
      expect([down.status, down.headers["retry-after"]]).toEqual([503, "1"]);
      expect((await request(api).get("/ready")).status).toBe(503);
      expect((await request(api).get("/health")).status).toBe(200);
      if (!url) return; // recovery needs a server to come back: TEST_DATABASE_URL
      await listen(port);
      expect((await request(api).get("/notes")).status).toBe(200);
      expect((await request(api).get("/ready")).status).toBe(200);
    } finally {
      proxy.close();
      await remote.close();
    }
  });
});
