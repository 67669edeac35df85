// Every route and error path of createApp(), driven in-process with supertest.
import { pino } from "pino";
import request from "supertest";
import { describe, expect, it } from "vitest";
import type { Readiness } from "../src/app.js";
import { PAGE_SIZE, encodeCursor } from "../src/app.js";
import type { Note } from "@repo/db/schema";
import type { NoteStore } from "../src/store.js";
import { MemoryNoteStore } from "./memory-store.js";
import { WEB_ORIGIN, testApp } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Problem {
  error: string;
  message: string;
  issues?: { field: string; message: string }[];
}

/** Asserts the response is a JSON error with the given status and code, and returns its body. */
function expectProblem(res: request.Response, status: number, error: string): Problem {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const body = res.body as Problem;
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe("string");
  return body;
}

describe("health and readiness", () => {
  it("GET /health answers 200 ok", async () => {
    const res = await request(testApp()).get("/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("GET /ready answers 200 while ready and 503 JSON once readiness turns false", async () => {
    const readiness: Readiness = { ready: true };
    const app = testApp({ readiness });
    const before = await request(app).get("/ready");
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ status: "ready" });

    readiness.ready = false;
    expectProblem(await request(app).get("/ready"), 503, "shutting_down");
    // Liveness is unaffected by shutdown.
    expect((await request(app).get("/health")).status).toBe(200);
  });
});

describe("notes", () => {
  it("GET /notes lists what the store holds, oldest first", async () => {
    const store = new MemoryNoteStore();
    await store.create({ text: "first" });
    await store.create({ text: "second" });
    const res = await request(testApp({ store })).get("/notes");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const { notes } = res.body as { notes: Note[] };
    expect(notes.map((n) => n.text)).toEqual(["first", "second"]);
  });

  it("GET /notes on an empty store answers an empty list", async () => {
    const res = await request(testApp({ store: new MemoryNoteStore() })).get("/notes");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ notes: [], nextCursor: null });
  });

  it("POST /notes creates a note with trimmed text, an id and createdAt, and lists it", async () => {
    const app = testApp();
    const before = Date.now();
    const res = await request(app).post("/notes").send({ text: "  buy milk \n" });
    expect(res.status).toBe(201);
    const { note } = res.body as { note: Note };
    expect(note.text).toBe("buy milk");
    expect(note.id).toMatch(UUID);
    const created = Date.parse(note.createdAt);
    expect(new Date(created).toISOString()).toBe(note.createdAt);
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(Date.now() + 1000);

    const list = (await request(app).get("/notes")).body as { notes: Note[] };
    expect(list.notes).toEqual([note]);
  });

  it("accepts exactly 280 characters", async () => {
    const res = await request(testApp())
      .post("/notes")
      .send({ text: "x".repeat(280) });
    expect(res.status).toBe(201);
    expect((res.body as { note: Note }).note.text).toHaveLength(280);
  });

  it("GET /notes/:id returns the note, DELETE removes it (204), then both answer 404", async () => {
    const app = testApp();
    const { note } = (await request(app).post("/notes").send({ text: "temporary" })).body as { note: Note };

    const got = await request(app).get(`/notes/${note.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ note });

    const deleted = await request(app).delete(`/notes/${note.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");

    expectProblem(await request(app).delete(`/notes/${note.id}`), 404, "not_found");
    expectProblem(await request(app).get(`/notes/${note.id}`), 404, "not_found");
    expect((await request(app).get("/notes")).body).toEqual({ notes: [], nextCursor: null });
  });

  it("answers 404 JSON for unknown note ids", async () => {
    const app = testApp();
    expectProblem(await request(app).get("/notes/00000000-0000-4000-8000-000000000000"), 404, "not_found");
    expectProblem(await request(app).delete("/notes/nope"), 404, "not_found");
  });
});

describe("validation", () => {
  const cases: { name: string; body: unknown; field: string; message: RegExp }[] = [
    { name: "missing text", body: {}, field: "text", message: /must be a string/ },
    { name: "empty text", body: { text: "" }, field: "text", message: /must not be empty/ },
    { name: "whitespace-only text", body: { text: " \t\n " }, field: "text", message: /must not be empty/ },
    { name: "281 characters", body: { text: "x".repeat(281) }, field: "text", message: /at most 280/ },
    { name: "a number", body: { text: 42 }, field: "text", message: /must be a string/ },
    { name: "null", body: { text: null }, field: "text", message: /must be a string/ },
    { name: "an array", body: { text: ["a"] }, field: "text", message: /must be a string/ },
    { name: "an object", body: { text: { value: "a" } }, field: "text", message: /must be a string/ },
    {
      name: "an extra key (strict object)",
      body: { text: "ok", extra: 1 },
      field: "(body)",
      message: /"extra"/,
    },
    { name: "a JSON array body", body: [{ text: "a" }], field: "(body)", message: /expected object/ },
  ];

  it.each(cases)("POST /notes with $name answers 400 naming the field", async ({ body, field, message }) => {
    const store = new MemoryNoteStore();
    const res = await request(testApp({ store }))
      .post("/notes")
      .send(body as object);
    const problem = expectProblem(res, 400, "validation_failed");
    expect(problem.message).toMatch(message);
    expect(problem.message.startsWith(`${field} `)).toBe(true);
    expect(problem.issues?.[0]?.field).toBe(field);
    expect(await store.all()).toEqual([]);
  });
});

describe("malformed requests", () => {
  it("answers 413 JSON for a body over the limit", async () => {
    const store = new MemoryNoteStore();
    const app = testApp({ store, bodyLimit: "1kb" });
    const res = await request(app)
      .post("/notes")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ text: "x".repeat(2000) }));
    const problem = expectProblem(res, 413, "payload_too_large");
    expect(problem.message).toContain("1kb");
    expect(await store.all()).toEqual([]);
  });

  it("answers 413 JSON above the default 16kb limit", async () => {
    const res = await request(testApp())
      .post("/notes")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ text: "x".repeat(17 * 1024) }));
    expectProblem(res, 413, "payload_too_large");
  });

  it("answers 400 JSON for malformed JSON", async () => {
    const res = await request(testApp())
      .post("/notes")
      .set("Content-Type", "application/json")
      .send('{"text": "unterminated');
    expectProblem(res, 400, "invalid_json");
    expect(JSON.stringify(res.body)).not.toContain("SyntaxError");
  });

  it("answers 415 JSON for text/plain", async () => {
    const res = await request(testApp())
      .post("/notes")
      .set("Content-Type", "text/plain")
      .send('{"text":"hi"}');
    expectProblem(res, 415, "unsupported_media_type");
  });

  it("answers 415 JSON when the content type is missing", async () => {
    const res = await request(testApp()).post("/notes").send(Buffer.from('{"text":"hi"}'));
    expect(res.request.getHeader("content-type")).toBeUndefined();
    expectProblem(res, 415, "unsupported_media_type");
  });

  it("answers 415 JSON for a non-UTF charset", async () => {
    const res = await request(testApp())
      .post("/notes")
      .set("Content-Type", "application/json; charset=latin1")
      .send('{"text":"hi"}');
    expectProblem(res, 415, "unsupported_charset");
  });

  it.each([
    ["GET", "/nope"],
    ["GET", "/notes/a/b"],
    ["PUT", "/notes"],
    ["PATCH", "/notes"],
    ["POST", "/health"],
    ["DELETE", "/notes"],
  ] as const)("answers 404 JSON for %s %s", async (method, path) => {
    const res =
      await request(testApp())[method.toLowerCase() as "get" | "put" | "patch" | "post" | "delete"](path);
    const problem = expectProblem(res, 404, "not_found");
    expect(problem.message).toBe(`no route for ${method} ${path}`);
  });
});

describe("pages", () => {
  /** An app whose store holds `count` notes, "note 1" … "note <count>". */
  async function appWith(count: number) {
    const store = new MemoryNoteStore();
    for (let i = 1; i <= count; i++) await store.create({ text: `note ${i}` });
    return testApp({ store });
  }
  const texts = (res: request.Response) => (res.body as { notes: Note[] }).notes.map((n) => n.text);

  it(`GET /notes answers the first ${PAGE_SIZE.default} notes and a cursor for the rest`, async () => {
    const app = await appWith(PAGE_SIZE.default + 5);
    const first = await request(app).get("/notes");
    expect(first.status).toBe(200);
    expect(texts(first)).toEqual(Array.from({ length: PAGE_SIZE.default }, (_, i) => `note ${i + 1}`));
    const { nextCursor } = first.body as { nextCursor: string };
    expect(typeof nextCursor).toBe("string");

    const second = await request(app).get("/notes").query({ after: nextCursor });
    expect(texts(second)).toEqual(["note 21", "note 22", "note 23", "note 24", "note 25"]);
    expect((second.body as { nextCursor: unknown }).nextCursor).toBeNull();
  });

  it("walks every note exactly once with ?limit, and ends with nextCursor null", async () => {
    const app = await appWith(7);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res = await request(app)
        .get("/notes")
        .query(after === null ? { limit: 3 } : { limit: 3, after });
      expect(res.status).toBe(200);
      seen.push(...texts(res));
      after = (res.body as { nextCursor: string | null }).nextCursor;
      if (after === null) break;
    }
    expect(seen).toEqual(["note 1", "note 2", "note 3", "note 4", "note 5", "note 6", "note 7"]);
  });

  it(`answers at most ${PAGE_SIZE.max} notes whatever the table holds`, async () => {
    const app = await appWith(PAGE_SIZE.max + 1);
    const res = await request(app).get("/notes").query({ limit: PAGE_SIZE.max });
    expect(texts(res)).toHaveLength(PAGE_SIZE.max);
    expect((res.body as { nextCursor: unknown }).nextCursor).not.toBeNull();
  });

  it("a page that ends exactly at the last note says there is no next page", async () => {
    const res = await request(await appWith(3))
      .get("/notes")
      .query({ limit: 3 });
    expect(texts(res)).toHaveLength(3);
    expect((res.body as { nextCursor: unknown }).nextCursor).toBeNull();
  });

  it.each([
    ["limit=0", "limit=0", "limit"],
    ["limit over the maximum", `limit=${PAGE_SIZE.max + 1}`, "limit"],
    ["a negative limit", "limit=-1", "limit"],
    ["a non-numeric limit", "limit=ten", "limit"],
    ["two limits", "limit=1&limit=2", "limit"],
    ["a cursor that isn't base64url of a position", "after=not-a-cursor", "after"],
    ["a cursor of position 0", `after=${Buffer.from("0").toString("base64url")}`, "after"],
    ["an empty cursor", "after=", "after"],
  ])("GET /notes with %s answers 400 validation_failed naming the parameter", async (_name, query, field) => {
    const res = await request(await appWith(2)).get(`/notes?${query}`);
    const problem = expectProblem(res, 400, "validation_failed");
    expect(problem.issues?.[0]?.field).toBe(field);
  });

  it("a cursor past the last note answers an empty last page", async () => {
    const res = await request(await appWith(2))
      .get("/notes")
      .query({ after: encodeCursor(99) });
    expect(res.body).toEqual({ notes: [], nextCursor: null });
  });
});

describe("security headers and CORS", () => {
  it("sets helmet's headers and hides x-powered-by", async () => {
    const res = await request(testApp()).get("/health");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("keeps the security headers on error responses", async () => {
    const res = await request(testApp()).get("/nope");
    expect(res.status).toBe(404);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("allows WEB_ORIGIN", async () => {
    const res = await request(testApp()).get("/notes").set("Origin", WEB_ORIGIN);
    expect(res.headers["access-control-allow-origin"]).toBe(WEB_ORIGIN);
  });

  it("does not allow another origin", async () => {
    const evil = "http://evil.example";
    const res = await request(testApp()).get("/notes").set("Origin", evil);
    expect(res.headers["access-control-allow-origin"]).not.toBe(evil);
    expect(res.headers["access-control-allow-origin"]).not.toBe("*");
  });

  it("answers a preflight from WEB_ORIGIN", async () => {
    const res = await request(testApp())
      .options("/notes")
      .set("Origin", WEB_ORIGIN)
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "content-type");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe(WEB_ORIGIN);
    expect(res.headers["access-control-allow-methods"]).toContain("POST");
  });
});

describe("unexpected errors", () => {
  const secret = "db password is hunter2";

  /** A store whose every method throws, as a broken database would. */
  const broken: NoteStore = {
    list: () => Promise.reject(new Error(secret)),
    get: () => Promise.reject(new Error(secret)),
    create: () => Promise.reject(new Error(secret)),
    remove: () => Promise.reject(new Error(secret)),
  };

  it.each([
    ["GET", "/notes"],
    ["POST", "/notes"],
    ["GET", "/notes/x"],
    ["DELETE", "/notes/x"],
  ] as const)("%s %s answers 500 internal_error without the message or a stack", async (method, path) => {
    const app = testApp({ store: broken });
    const res =
      method === "POST"
        ? await request(app).post(path).send({ text: "hi" })
        : await request(app)[method === "GET" ? "get" : "delete"](path);
    const problem = expectProblem(res, 500, "internal_error");
    expect(Object.keys(problem).sort()).toEqual(["error", "message"]);
    expect(res.text).not.toContain("hunter2");
    expect(res.text).not.toMatch(/Error:|\bat .*\.(?:ts|js):\d+/);
  });

  it("logs the error it hides from the client", async () => {
    const logged: unknown[] = [];
    const logger = pino({ level: "error" }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const res = await request(testApp({ store: broken, logger })).get("/notes");
    expect(res.status).toBe(500);
    expect(JSON.stringify(logged)).toContain("hunter2");
  });
});

describe("request log", () => {
  const lines = (level: string) => {
    type Line = { msg?: string; method?: string; path?: string; status?: number; ms?: unknown };
    const logged: Line[] = [];
    const logger = pino({ level }, { write: (line: string) => void logged.push(JSON.parse(line) as Line) });
    return { logged, app: testApp({ store: new MemoryNoteStore(), logger }) };
  };

  it("at info: one line per request, with method, path (no query), status and duration", async () => {
    const { logged, app } = lines("info");
    await request(app).get("/notes?limit=5");
    await request(app).get("/nope");
    const requests = logged.filter((line) => line.msg === "request");
    expect(requests.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: "GET", path: "/notes", status: 200 },
      { method: "GET", path: "/nope", status: 404 },
    ]);
    expect(requests.every((line) => typeof line.ms === "number")).toBe(true);
  });

  it("below info: no request lines", async () => {
    const { logged, app } = lines("warn");
    await request(app).get("/notes");
    expect(logged.filter((line) => line.msg === "request")).toEqual([]);
  });
});
