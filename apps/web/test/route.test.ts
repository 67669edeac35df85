// The /api/notes route handler: the browser's way to the API.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/notes/route";

let server: Server;
let received: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      received.push(body);
      const { text } = JSON.parse(body) as { text: unknown };
      if (typeof text !== "string" || text === "") {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "validation_failed", message: "text must not be empty" }));
        return;
      }
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ note: { id: "n1", text, createdAt: "x" } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  vi.unstubAllEnvs();
  received = [];
});

const post = (body: string) => POST(new Request("http://web.test/api/notes", { method: "POST", body }));

describe("POST /api/notes", () => {
  it("forwards the note to API_URL (read per request) and answers 201", async () => {
    vi.stubEnv("API_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const res = await post(JSON.stringify({ text: "via the route" }));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ note: { text: "via the route" } });
    expect(received).toEqual(['{"text":"via the route"}']);
  });

  it("passes the API's 400 and message through", async () => {
    vi.stubEnv("API_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const res = await post(JSON.stringify({ text: "" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "validation_failed", message: "text must not be empty" });
  });

  it("answers 400 to a body that isn't JSON, without calling the API", async () => {
    vi.stubEnv("API_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const res = await post("{not json");
    expect(res.status).toBe(400);
    expect(received).toEqual([]);
  });

  it("answers 502 when the API is unreachable", async () => {
    vi.stubEnv("API_URL", "http://127.0.0.1:9");
    const res = await post(JSON.stringify({ text: "x" }));
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: "api_unreachable" });
  });
});
