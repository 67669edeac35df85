// The API client against a local server whose answer each test sets: a good answer parses with the caller's
// schema, a 4xx error body passes through, and anything else becomes 502 with the generic message.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { apiDelete, apiGet, apiPost, UNAVAILABLE } from "@/lib/api";

let answer: (res: ServerResponse, request: { method?: string; body: string }) => void;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => answer(res, { method: req.method, body }));
});
const json = (status: number, value: unknown) => (res: ServerResponse) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
let options: { baseUrl: string; timeoutMs: number };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  options = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 1_000 };
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const item = z.object({ id: z.number() });

describe("the API client", () => {
  it("POSTs JSON and parses the answer with the caller's schema", async () => {
    let seen = {};
    answer = (res, request) => {
      seen = request;
      json(201, { id: 7 })(res);
    };
    expect(await apiPost("/items", { name: "new" }, item, options)).toEqual({ id: 7 });
    expect(seen).toEqual({ method: "POST", body: '{"name":"new"}' });
  });

  it("expects 204 from a DELETE, and passes a 4xx error body on", async () => {
    answer = (res) => res.writeHead(204).end();
    await apiDelete("/items/7", options);
    answer = json(404, { error: "not_found", message: "no such item" });
    await expect(apiDelete("/items/8", options)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it.each([
    ["HTML", (res: ServerResponse) => res.writeHead(200, { "content-type": "text/html" }).end("<html>")],
    ["the wrong shape", json(200, { id: "1" })],
    ["a 500 error body", json(500, { error: "internal_error", message: "db 10.0.0.5 down" })],
    ["no full answer in time", (res: ServerResponse) => res.writeHead(200).write('{"id": ')],
  ])("turns %s into 502 with the generic message, logging the cause", async (_name, handler) => {
    answer = handler;
    await expect(apiGet("/items", item, options)).rejects.toMatchObject({
      status: 502,
      message: UNAVAILABLE,
    });
    expect(console.error).toHaveBeenLastCalledWith(expect.stringContaining("web: API /items: "));
  });
});
