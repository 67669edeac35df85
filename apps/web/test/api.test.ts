// The API client against a tiny local server whose answer each test sets: good answers parse with the caller's
// schema, every bad one becomes 502 api_unavailable with the generic message (the cause logged), and a 4xx error
// body passes through.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiError, apiDelete, apiGet, apiPost, UNAVAILABLE } from "@/lib/api";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, value: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));

let handler: Handler;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => handler(req, body, res));
});
let options: { baseUrl: string; timeoutMs: number };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  options = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 10_000 };
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const item = z.object({ id: z.number(), name: z.string() });
const page = z.object({ items: z.array(item) });

const badAnswers: [string, Handler][] = [
  [
    "HTML with 200",
    (_q, _b, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>hi</html>"),
  ],
  ["an empty body with 200", (_q, _b, res) => res.writeHead(200).end()],
  ["the wrong shape", (_q, _b, res) => json(res, 200, { items: [{ id: "1" }] })],
  [
    "a 500 error body",
    (_q, _b, res) => json(res, 500, { error: "internal_error", message: "db 10.0.0.5 down" }),
  ],
  ["a 404 that isn't an error body", (_q, _b, res) => res.writeHead(404).end("Not Found")],
  [
    "a body cut off halfway",
    (_q, _b, res) => {
      res
        .writeHead(200, { "content-type": "application/json", "content-length": "100" })
        .write('{"items": [');
      setTimeout(() => res.socket?.destroy(), 50);
    },
  ],
];

describe("apiGet", () => {
  it("parses the answer with the schema it is given", async () => {
    handler = (req, _b, res) => json(res, 200, { items: [{ id: 1, name: req.url }] });
    expect(await apiGet("/items?after=a%20b", page, options)).toEqual({
      items: [{ id: 1, name: "/items?after=a%20b" }],
    });
  });

  it("passes a 4xx error body on", async () => {
    handler = (_q, _b, res) =>
      json(res, 400, { error: "validation_failed", message: "after is not a cursor" });
    await expect(apiGet("/items", page, options)).rejects.toMatchObject({
      status: 400,
      code: "validation_failed",
      message: "after is not a cursor",
    });
  });

  it.each(badAnswers)(
    "turns %s into 502 with the generic message, logging the cause",
    async (_name, answer) => {
      handler = answer;
      const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
      const err = await apiGet("/items", page, options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 502, code: "api_unavailable", message: UNAVAILABLE });
      expect(log).toHaveBeenCalledWith(expect.stringContaining("web: API /items: "));
      log.mockRestore();
    },
  );

  it("gives up on an answer that stalls after timeoutMs", async () => {
    handler = (_q, _b, res) => res.writeHead(200).write('{"items": [');
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const started = Date.now();
    await expect(apiGet("/items", page, { ...options, timeoutMs: 300 })).rejects.toMatchObject({
      status: 502,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280); // not before (a busy machine only adds)
    expect(log).toHaveBeenCalledWith(expect.stringContaining("no full answer within 300 ms"));
    log.mockRestore();
  });

  it("reports a refused connection as 502", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await expect(apiGet("/items", page, { baseUrl: "http://127.0.0.1:9" })).rejects.toMatchObject({
      status: 502,
    });
    log.mockRestore();
  });
});

describe("apiPost and apiDelete", () => {
  it("POSTs the body as JSON and parses the answer", async () => {
    let seen = {};
    handler = (req, body, res) => {
      seen = { method: req.method, type: req.headers["content-type"], body };
      json(res, 201, { id: 7, name: "new" });
    };
    expect(await apiPost("/items", { name: "new" }, item, options)).toEqual({ id: 7, name: "new" });
    expect(seen).toEqual({ method: "POST", type: "application/json", body: '{"name":"new"}' });
  });

  it("DELETEs and expects 204 No Content", async () => {
    let method: string | undefined;
    handler = (req, _b, res) => {
      method = req.method;
      res.writeHead(204).end();
    };
    await apiDelete("/items/7", options);
    expect(method).toBe("DELETE");
  });

  it("passes a 404 on from a delete", async () => {
    handler = (_q, _b, res) => json(res, 404, { error: "not_found", message: "no such item" });
    await expect(apiDelete("/items/8", options)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });
});
