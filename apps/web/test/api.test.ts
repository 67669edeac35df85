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

const note = { id: "n1", text: "a", createdAt: "2030-01-01T00:00:00.000Z" };

describe("listNotes", () => {
  it("returns the API's notes", async () => {
    api.answer((req, _b, res) =>
      req.url === "/notes" ? json(res, 200, { notes: [note] }) : json(res, 404, {}),
    );
    expect(await listNotes(options)).toEqual([note]);
  });

  it.each(badAnswers)("turns %s into 502 api_unavailable, logging the cause", async (_name, handler) => {
    api.answer(handler);
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = await listNotes(options).catch((e: unknown) => e);
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
    await expect(listNotes({ ...options, timeoutMs: 300 })).rejects.toMatchObject({ status: 502 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280); // not before timeoutMs (a busy machine only adds)
    log.mockRestore();
  });

  it("reports a refused connection as 502 api_unavailable", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = await listNotes({ baseUrl: "http://127.0.0.1:9", timeoutMs: 10_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 502, code: "api_unavailable", message: UNAVAILABLE });
    log.mockRestore();
  });
});

describe("createNote", () => {
  it("POSTs JSON {text} and returns the created note", async () => {
    let seen: { method?: string; type?: string; body?: string } = {};
    api.answer((req, body, res) => {
      seen = { method: req.method, type: req.headers["content-type"], body };
      json(res, 201, { note: { ...note, text: "hello" } });
    });
    expect(await createNote("hello", options)).toEqual({ ...note, text: "hello" });
    expect(seen).toEqual({ method: "POST", type: "application/json", body: '{"text":"hello"}' });
  });

  it("passes a 4xx error body through (validation, a full store)", async () => {
    api.answer((_r, _b, res) =>
      json(res, 409, { error: "store_full", message: "the store is full", limit: 3 }),
    );
    await expect(createNote("x", options)).rejects.toMatchObject({
      status: 409,
      code: "store_full",
      message: "the store is full",
    });
  });

  it("refuses a 201 whose note has the wrong shape", async () => {
    api.answer((_r, _b, res) => json(res, 201, { note: { id: 5 } }));
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await expect(createNote("x", options)).rejects.toMatchObject({ status: 502, code: "api_unavailable" });
    log.mockRestore();
  });
});
