// The web server's API client against a fake API: good answers parse, every bad one becomes 502 api_unavailable
// with the generic message (no internal address), and a 4xx error body passes through.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError, createNote, listNotes, UNAVAILABLE } from "@/lib/api";
import { badAnswers, json, startFakeApi, type FakeApi } from "./fake-api";

let api: FakeApi;
let options: { baseUrl: string; timeoutMs: number };
beforeAll(async () => {
  api = await startFakeApi();
  options = { baseUrl: api.url, timeoutMs: 10_000 }; // a deadline for a stuck answer, not a budget
});
afterAll(() => api.close());

const note = { id: "3f1c9a52-6f0e-4b7e-9a3b-2b8f1d2c4e5a", text: "a", createdAt: "2030-01-01T00:00:00.000Z" };

describe("listNotes", () => {
  it("returns the API's first page and its cursor", async () => {
    api.answer((req, _b, res) =>
      req.url === "/notes" ? json(res, 200, { notes: [note], nextCursor: "Mg" }) : json(res, 404, {}),
    );
    expect(await listNotes(undefined, options)).toMatchObject({ notes: [note], nextCursor: "Mg" });
  });

  it("asks for the page after a cursor, escaped into the query", async () => {
    let url: string | undefined;
    api.answer((req, _b, res) => {
      url = req.url;
      json(res, 200, { notes: [], nextCursor: null });
    });
    expect(await listNotes("a b&c=d", options)).toEqual({ notes: [], nextCursor: null });
    expect(url).toBe("/notes?after=a+b%26c%3Dd");
  });

  it("passes the API's 400 for a bad cursor through", async () => {
    api.answer((_r, _b, res) =>
      json(res, 400, { error: "validation_failed", message: "after is not a cursor this API gave out" }),
    );
    await expect(listNotes("zzz", options)).rejects.toMatchObject({ status: 400, code: "validation_failed" });
  });

  it.each(badAnswers)("turns %s into 502 api_unavailable, logging the cause", async (_name, handler) => {
    api.answer(handler);
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = await listNotes(undefined, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 502, code: "api_unavailable", message: UNAVAILABLE });
    expect((err as Error).message).not.toContain("127.0.0.1");
    expect(log).toHaveBeenCalledWith(expect.stringContaining("web: API /notes: "));
    log.mockRestore();
  });

  it("gives up on a stalled body after timeoutMs", async () => {
    api.answer((_q, _b, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"notes": [');
    });
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const started = Date.now();
    await expect(listNotes(undefined, { ...options, timeoutMs: 300 })).rejects.toMatchObject({ status: 502 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280); // not before timeoutMs (a busy machine only adds)
    log.mockRestore();
  });

  it("reports a refused connection as 502 api_unavailable", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = await listNotes(undefined, { baseUrl: "http://127.0.0.1:9", timeoutMs: 10_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 502, code: "api_unavailable", message: UNAVAILABLE });
    log.mockRestore();
  });
});

describe("createNote", () => {
  it("POSTs the input as JSON, every field, and returns the created note", async () => {
    let seen: { method?: string; type?: string; body?: string } = {};
    api.answer((req, body, res) => {
      seen = { method: req.method, type: req.headers["content-type"], body };
      json(res, 201, { note: { ...note, text: "hello" } });
    });
    expect(await createNote({ text: "hello" }, options)).toMatchObject({ ...note, text: "hello" });
    expect(seen).toEqual({ method: "POST", type: "application/json", body: '{"text":"hello"}' });
  });

  it("passes a 4xx error body through (validation)", async () => {
    api.answer((_r, _b, res) =>
      json(res, 400, { error: "validation_failed", message: "text must not be empty", issues: [] }),
    );
    await expect(createNote({ text: "x" }, options)).rejects.toMatchObject({
      status: 400,
      code: "validation_failed",
      message: "text must not be empty",
    });
  });

  it("refuses a 201 whose note has the wrong shape", async () => {
    api.answer((_r, _b, res) => json(res, 201, { note: { id: 5 } }));
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await expect(createNote({ text: "x" }, options)).rejects.toMatchObject({
      status: 502,
      code: "api_unavailable",
    });
    log.mockRestore();
  });
});
