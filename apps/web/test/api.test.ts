// The web server's API client against a real HTTP server on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, createNote, listNotes } from "@/lib/api";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler = (_req, _body, res) => res.end();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

describe("listNotes", () => {
  it("returns the API's notes", async () => {
    const notes = [{ id: "1", text: "a", createdAt: "2026-01-01T00:00:00.000Z" }];
    handler = (req, _b, res) => (req.url === "/notes" ? json(res, 200, { notes }) : json(res, 404, {}));
    expect(await listNotes(base)).toEqual(notes);
  });

  it("turns an API error into ApiError with the API's code and message", async () => {
    handler = (_r, _b, res) =>
      json(res, 503, { error: "shutting_down", message: "the server is shutting down" });
    await expect(listNotes(base)).rejects.toMatchObject({
      status: 503,
      code: "shutting_down",
      message: "the server is shutting down",
    });
  });

  it("copes with an error body that isn't JSON", async () => {
    handler = (_r, _b, res) => res.writeHead(500).end("<html>oops</html>");
    await expect(listNotes(base)).rejects.toMatchObject({
      status: 500,
      code: "api_error",
      message: "the API answered 500",
    });
  });

  it("reports an unreachable API as 502 api_unreachable", async () => {
    const err = await listNotes("http://127.0.0.1:9").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 502, code: "api_unreachable" });
  });
});

describe("createNote", () => {
  it("POSTs JSON {text} and returns the created note", async () => {
    let seen: { method?: string; type?: string; body?: string } = {};
    handler = (req, body, res) => {
      seen = { method: req.method, type: req.headers["content-type"], body };
      json(res, 201, { note: { id: "n1", text: "hello", createdAt: "x" } });
    };
    const note = await createNote("hello", base);
    expect(note.id).toBe("n1");
    expect(seen).toEqual({ method: "POST", type: "application/json", body: '{"text":"hello"}' });
  });

  it("passes the API's validation error through", async () => {
    handler = (_r, _b, res) =>
      json(res, 400, { error: "validation_failed", message: "text must not be empty" });
    await expect(createNote("", base)).rejects.toMatchObject({
      status: 400,
      code: "validation_failed",
      message: "text must not be empty",
    });
  });
});
