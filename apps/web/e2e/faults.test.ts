// The built web server against hostile clients and a misbehaving API: huge bodies cost bounded memory, cross-site
// "simple" requests create nothing, and every bad API answer becomes a 502 JSON from the route and the generic
// error panel on the page (status 200, no internal address), with /ready 503.
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApi, startWeb, type RunningServer } from "@repo/test-support";
import { badAnswers, startFakeApi, type FakeApi } from "../test/fake-api";

const GENERIC = "the notes service is unavailable right now; try again in a moment";

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) * 1024;
}

/**
 * Sends `head`, then up to `total` bytes of body in 64 KiB pieces (chunked-encoded when `chunked`), stopping when
 * the server answers or closes. Resolves with the answer's first line and how much body was written.
 */
function upload(url: string, head: string, total: number, chunked: boolean) {
  const { port } = new URL(url);
  return new Promise<{ status: string; sent: number }>((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    let sent = 0;
    let done = false;
    const piece = Buffer.alloc(64 * 1024, "x");
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ status: answer.split("\r\n")[0] ?? "", sent });
    };
    socket.on("data", (d: Buffer) => {
      answer += d.toString("latin1");
      if (answer.includes("\r\n\r\n")) finish();
    });
    socket.on("close", finish);
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") finish();
      else reject(err);
    });
    const pump = () => {
      while (!done && sent < total) {
        sent += piece.length;
        const data = chunked
          ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
          : piece;
        if (!socket.write(data)) return void socket.once("drain", pump);
      }
      if (!done && chunked) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      socket.write(head);
      pump();
    });
  });
}

const postHead = (extra: string) =>
  `POST /api/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}\r\n`;

describe("against a real API", () => {
  let api: RunningServer;
  let web: RunningServer;
  const count = async () =>
    ((await (await fetch(`${api.url}/notes`)).json()) as { notes: unknown[] }).notes.length;

  beforeAll(async () => {
    api = await startApi();
    web = await startWeb({ apiUrl: api.url });
  });
  afterAll(async () => {
    await web?.stop();
    await api?.stop();
  });

  it("refuses huge bodies (declared, undeclared, chunked) with 413 while memory stays bounded", async () => {
    await fetch(web.url); // warm up the page and route code
    const before = rssBytes(web.pid!);
    const MB = 1024 * 1024;
    const cases = [
      ["a 20 KiB body with its Content-Length", postHead("Content-Length: 20480\r\n"), 20 * 1024, false],
      [
        "Content-Length: 100 MiB, then the bytes",
        postHead(`Content-Length: ${100 * MB}\r\n`),
        100 * MB,
        false,
      ],
      ["64 MiB chunked, no Content-Length", postHead("Transfer-Encoding: chunked\r\n"), 64 * MB, true],
      ["64 MiB chunked, again", postHead("Transfer-Encoding: chunked\r\n"), 64 * MB, true],
    ] as const;
    const statuses: Record<string, string> = {};
    for (const [name, head, total, chunked] of cases)
      statuses[name] = (await upload(web.url, head, total, chunked)).status;
    const grown = rssBytes(web.pid!) - before;
    expect(grown, `RSS grew by ${(grown / MB).toFixed(1)} MiB`).toBeLessThan(32 * MB);
    for (const [name] of cases) expect(statuses[name], name).toBe("HTTP/1.1 413 Payload Too Large");
    expect(await count()).toBe(0); // a new, empty database: nothing was created
    // Still serving.
    expect((await fetch(web.url)).status).toBe(200);
  });

  it.each([
    ["text/plain from another origin", { "content-type": "text/plain", origin: "http://evil.example" }],
    ["no content type from another origin", { origin: "http://evil.example" }],
    [
      "a form post from another site",
      { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
    ],
    [
      "multipart from a sandboxed frame",
      { "content-type": "multipart/form-data; boundary=x", origin: "null", "sec-fetch-site": "cross-site" },
    ],
    [
      "JSON with a foreign Origin (a preflight would have failed)",
      { "content-type": "application/json", origin: "http://evil.example" },
    ],
  ])("a cross-site request (%s) gets 403 and creates nothing", async (_name, headers) => {
    const before = await count();
    const res = await fetch(`${web.url}/api/notes`, {
      method: "POST",
      headers,
      body: JSON.stringify({ text: "created by another site" }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "cross_site" });
    expect(await count()).toBe(before);
  });

  it("a same-origin text/plain request gets 415 and creates nothing", async () => {
    const before = await count();
    const res = await fetch(`${web.url}/api/notes`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ text: "not JSON by type" }),
    });
    expect(res.status).toBe(415);
    expect(await count()).toBe(before);
  });
});

describe("against an API that answers badly", () => {
  let fake: FakeApi;
  let web: RunningServer;

  beforeAll(async () => {
    fake = await startFakeApi();
    web = await startWeb({ apiUrl: fake.url, env: { API_TIMEOUT_MS: "500" } });
  });
  afterAll(async () => {
    await web?.stop();
    await fake?.close();
  });

  it.each(badAnswers)(
    "%s: page 200 with the generic panel, route 502 JSON, /ready 503",
    async (_name, handler) => {
      fake.answer(handler);
      const page = await fetch(web.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(GENERIC);
      expect(html).not.toContain(new URL(fake.url).host);

      const route = await fetch(`${web.url}/api/notes`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "hello" }),
      });
      expect(route.status).toBe(502);
      expect(await route.json()).toEqual({ error: "api_unavailable", message: GENERIC });

      expect((await fetch(`${web.url}/ready`)).status).toBe(503);
      expect(web.output()).toMatch(/web: API \/notes: /);
    },
  );

  it("an API that refuses connections: the same", async () => {
    const closedPort = await freePort();
    const lonely = await startWeb({ apiUrl: `http://127.0.0.1:${closedPort}` });
    try {
      const html = await (await fetch(lonely.url)).text();
      expect(html).toContain(GENERIC);
      expect(html).not.toContain(String(closedPort));
      const route = await fetch(`${lonely.url}/api/notes`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "hello" }),
      });
      expect(route.status).toBe(502);
      expect((await fetch(`${lonely.url}/ready`)).status).toBe(503);
    } finally {
      await lonely.stop();
    }
  });
});
