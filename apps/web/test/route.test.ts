// The /api/notes route handler: cross-site requests, content types and body sizes are refused before anything
// reaches the API; the API's answers are parsed before they are passed on.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DELETE } from "@/app/api/notes/[id]/route";
import { POST } from "@/app/api/notes/route";
import { UNAVAILABLE } from "@/lib/api";
import { BODY_LIMIT } from "@/lib/request";
import { badAnswers, json, startFakeApi, type FakeApi } from "./fake-api";

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
  // Read once, on first use, as at boot.
  vi.stubEnv("API_URL", api.url);
  vi.stubEnv("API_TIMEOUT_MS", "500");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await api.close();
});
beforeEach(() => {
  api.received.length = 0;
  api.answer((_q, body, res) => {
    const { text } = JSON.parse(body) as { text: string };
    json(res, 201, { note: { id: "n1", text, createdAt: "2030-01-01T00:00:00.000Z" } });
  });
});

const JSON_TYPE = { "content-type": "application/json" };

function post(body: BodyInit, headers: Record<string, string> = JSON_TYPE) {
  return POST(
    new Request("http://web.test/api/notes", {
      method: "POST",
      headers: { host: "web.test", ...headers },
      body,
      duplex: "half",
    } as RequestInit),
  );
}

/** A body of `total` bytes streamed in 1 KiB chunks, with no Content-Length; counts what was pulled. */
function streamed(total: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const chunk = new Uint8Array(1024).fill(0x20);
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

async function expectProblem(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: string; message: string };
  expect(body.error).toBe(error);
  return body;
}

describe("POST /api/notes", () => {
  it("forwards a valid note to the API and answers 201 with the API's note", async () => {
    const res = await post(JSON.stringify({ text: "via the route" }));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ note: { text: "via the route" } });
    expect(api.received).toEqual(['{"text":"via the route"}']);
  });

  it("accepts a same-origin browser request (Origin matches Host, Sec-Fetch-Site: same-origin)", async () => {
    const res = await post(JSON.stringify({ text: "same origin" }), {
      ...JSON_TYPE,
      origin: "http://web.test",
      "sec-fetch-site": "same-origin",
    });
    expect(res.status).toBe(201);
  });

  it("trusts Sec-Fetch-Site: same-origin when a proxy changed Host", async () => {
    const res = await post(JSON.stringify({ text: "behind a proxy" }), {
      ...JSON_TYPE,
      host: "web:3000",
      origin: "https://app.example.com",
      "sec-fetch-site": "same-origin",
    });
    expect(res.status).toBe(201);
  });

  it.each([
    ["Sec-Fetch-Site: cross-site", { ...JSON_TYPE, "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { ...JSON_TYPE, "sec-fetch-site": "same-site" }],
    ["a foreign Origin", { ...JSON_TYPE, origin: "http://evil.example" }],
    ["Origin: null (a sandboxed frame)", { ...JSON_TYPE, origin: "null" }],
    [
      "a foreign Origin on the same host name, another port",
      { ...JSON_TYPE, origin: "http://web.test:8080" },
    ],
    [
      "a simple text/plain request from another origin",
      { "content-type": "text/plain", origin: "http://evil.example" },
    ],
    [
      "a simple form post from another site",
      { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
    ],
    ["a cross-site request with no content type", { "sec-fetch-site": "cross-site" }],
  ])("refuses %s with 403 and creates nothing", async (_name, headers) => {
    await expectProblem(await post(JSON.stringify({ text: "csrf" }), headers), 403, "cross_site");
    expect(api.received).toEqual([]);
  });

  it.each([
    ["text/plain", { "content-type": "text/plain" }],
    ["no content type", {}],
    ["form-urlencoded", { "content-type": "application/x-www-form-urlencoded" }],
    ["multipart/form-data", { "content-type": "multipart/form-data; boundary=x" }],
    ["application/json with charset=latin1", { "content-type": "application/json; charset=latin1" }],
  ])("refuses %s with 415 and creates nothing", async (_name, headers) => {
    await expectProblem(await post(JSON.stringify({ text: "hi" }), headers), 415, "unsupported_media_type");
    expect(api.received).toEqual([]);
  });

  it("refuses a Content-Length over 16 KiB with 413 without reading the body", async () => {
    const body = streamed(1024 * 1024);
    const res = await post(body.stream, { ...JSON_TYPE, "content-length": String(BODY_LIMIT + 1) });
    await expectProblem(res, 413, "payload_too_large");
    expect(body.pulled()).toBeLessThanOrEqual(2 * 1024); // a stream may pull ahead a chunk or so, never more
    expect(api.received).toEqual([]);
  });

  it("stops reading a streamed body without Content-Length once it passes 16 KiB (413)", async () => {
    const body = streamed(64 * 1024 * 1024);
    await expectProblem(await post(body.stream), 413, "payload_too_large");
    expect(body.pulled()).toBeGreaterThan(BODY_LIMIT);
    expect(body.pulled()).toBeLessThan(BODY_LIMIT + 4 * 1024);
    expect(api.received).toEqual([]);
  });

  it("accepts a body of exactly 16 KiB", async () => {
    const text = "x".repeat(200);
    const body = JSON.stringify({ text }).padEnd(BODY_LIMIT, " ");
    expect(Buffer.byteLength(body)).toBe(BODY_LIMIT);
    expect((await post(body)).status).toBe(201);
  });

  it("answers 400 to a body that isn't JSON, without calling the API", async () => {
    await expectProblem(await post("{not json"), 400, "invalid_json");
    expect(api.received).toEqual([]);
  });

  it("answers 400 with the contract's message to an invalid note, without calling the API", async () => {
    const body = await expectProblem(
      await post(JSON.stringify({ text: "\u202e\u200b" })),
      400,
      "validation_failed",
    );
    expect(body.message).toBe("text must contain a visible character");
    expect(api.received).toEqual([]);
  });

  it("passes the API's 409 store_full through", async () => {
    api.answer((_q, _b, res) => json(res, 409, { error: "store_full", message: "the store is full" }));
    const body = await expectProblem(await post(JSON.stringify({ text: "one more" })), 409, "store_full");
    expect(body.message).toBe("the store is full");
  });

  it.each(badAnswers)(
    "answers 502 JSON with a generic message when the API answers %s",
    async (_name, handler) => {
      api.answer(handler);
      const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
      const body = await expectProblem(await post(JSON.stringify({ text: "x" })), 502, "api_unavailable");
      expect(body.message).toBe(UNAVAILABLE);
      log.mockRestore();
    },
  );
});

describe("DELETE /api/notes/[id]", () => {
  const ID = "3f1c9a52-6f0e-4b7e-9a3b-2b8f1d2c4e5a";
  const seen: string[] = [];
  beforeEach(() => {
    seen.length = 0;
    api.answer((req, _b, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === `/notes/${ID}`) res.writeHead(204).end();
      else json(res, 404, { error: "not_found", message: "no note with that id" });
    });
  });
  const del = (id: string, headers: Record<string, string> = {}) =>
    DELETE(
      new Request(`http://web.test/api/notes/${id}`, {
        method: "DELETE",
        headers: { host: "web.test", ...headers },
      }),
      {
        params: Promise.resolve({ id }),
      },
    );

  it("deletes through the API's DELETE /notes/:id and answers 204 with no body", async () => {
    const res = await del(ID, { origin: "http://web.test", "sec-fetch-site": "same-origin" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(seen).toEqual([`DELETE /notes/${ID}`]);
  });

  it("passes the API's 404 through, and escapes the id into one path segment", async () => {
    await expectProblem(await del("../ready"), 404, "not_found");
    expect(seen).toEqual(["DELETE /notes/..%2Fready"]);
  });

  it.each([
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["a foreign Origin", { origin: "http://evil.example" }],
  ])("refuses %s with 403 and deletes nothing", async (_name, headers) => {
    await expectProblem(await del(ID, headers), 403, "cross_site");
    expect(seen).toEqual([]);
  });

  it.each(badAnswers)("answers 502 JSON when the API answers %s", async (_name, handler) => {
    api.answer(handler);
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await expectProblem(await del(ID), 502, "api_unavailable");
    log.mockRestore();
  });
});
