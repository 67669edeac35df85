// The built web server against hostile clients and a misbehaving API: huge form posts cost bounded memory and get
// 413, cross-site posts create nothing, and every bad API answer becomes the generic error panel on the page
// (status 200, no internal address) and the generic message in the form, while /ready stays 200 (the web's own
// state: a slow API or database never takes the web out of its Service).
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApi, startWeb, type RunningServer } from "../support/index.mjs";
import { actionId, formBody, hiddenFields } from "../support/forms.mjs";
import { badAnswers, startFakeApi, type FakeApi } from "./fake-api";

const GENERIC = "the service is unavailable right now; try again in a moment";

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
        // Never more than `total`: bytes past a Content-Length would be a second, malformed request.
        const part = piece.subarray(0, Math.min(piece.length, total - sent));
        sent += part.length;
        const data = chunked
          ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")])
          : part;
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

/** The hidden fields of the page's "Add a note" form, as a browser without JavaScript would post them. */
async function addNoteFields(webUrl: string) {
  return hiddenFields(await (await fetch(webUrl)).text(), "Add a note");
}

describe("against a real API", () => {
  let api: RunningServer;
  let web: RunningServer;
  const count = async () =>
    ((await (await fetch(`${api.url}/notes?limit=100`)).json()) as { notes: unknown[] }).notes.length;

  beforeAll(async () => {
    api = await startApi();
    web = await startWeb({ apiUrl: api.url });
  });
  afterAll(async () => {
    await web?.stop();
    await api?.stop();
  });

  it("refuses huge form posts (413) and ones of unknown length (411), with and without JavaScript, and memory doesn't follow their size", async () => {
    const id = actionId(await addNoteFields(web.url)); // also warms up the page and action code
    const before = rssBytes(web.pid!);
    const MB = 1024 * 1024;
    const head = (extra: string) =>
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n${extra}\r\n`;
    const withJs = `Next-Action: ${id}\r\n`;
    type Case = readonly [name: string, request: string, total: number, chunked: boolean, status: number];
    const huge = (mib: number): Case[] => [
      [
        `Content-Length: ${mib} MiB, then the bytes`,
        head(`Content-Length: ${mib * MB}\r\n`),
        mib * MB,
        false,
        413,
      ],
      [`${mib} MiB chunked, no Content-Length`, head("Transfer-Encoding: chunked\r\n"), mib * MB, true, 411],
      [
        `${mib} MiB chunked action call`,
        head(`${withJs}Transfer-Encoding: chunked\r\n`),
        mib * MB,
        true,
        411,
      ],
    ];
    const cases: Case[] = [
      ["a 20 KiB form post", head("Content-Length: 20480\r\n"), 20 * 1024, false, 413],
      ["a 20 KiB action call", head(`${withJs}Content-Length: 20480\r\n`), 20 * 1024, false, 413],
      ...huge(64),
    ];
    const statuses: Record<string, string> = {};
    const send = async (list: Case[]) => {
      for (const [name, request, total, chunked] of list)
        statuses[name] = (await upload(web.url, request, total, chunked)).status.split(" ")[1]!;
      return rssBytes(web.pid!) - before;
    };
    // Next reads a refused body to its end and keeps 16 KiB; the rest is garbage until the collector runs, which
    // V8 paces by the garbage's size, not the body's. So 4 times the bytes may cost little more (the same run's
    // reference), while holding any one body would cost 192 MiB more.
    const grown = await send(cases);
    const grownMore = (await send(huge(256))) - grown;
    const message = `RSS grew by ${(grown / MB).toFixed(1)} MiB, then by ${(grownMore / MB).toFixed(1)} MiB`;
    expect(grownMore, message).toBeLessThan(((256 - 64) * MB) / 4);
    for (const [name, , , , status] of [...cases, ...huge(256)])
      expect(statuses[name], name).toBe(String(status));
    expect(await count()).toBe(0); // a new, empty database: nothing was created
    // Still serving.
    expect((await fetch(web.url)).status).toBe(200);
  });

  it("accepts a form post just under 16 KiB (the note itself is refused by its own rules, inline)", async () => {
    const fields = await addNoteFields(web.url);
    const res = await fetch(web.url, {
      method: "POST",
      body: formBody(fields, { text: "x".repeat(15_000) }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("text must be at most 280 characters");
    expect(await count()).toBe(0);
  });

  it.each([
    ["a form from another site", { "sec-fetch-site": "cross-site", origin: "http://evil.example" }],
    ["a form from a sibling subdomain", { "sec-fetch-site": "same-site", origin: "http://evil.127.0.0.1" }],
    ["a sandboxed frame", { "sec-fetch-site": "cross-site", origin: "null" }],
    ["an older browser: a foreign Origin only", { origin: "http://evil.example" }],
    ["an older browser in a sandboxed frame: Origin null only", { origin: "null" }],
  ])("a cross-site form post (%s) is refused and creates nothing", async (_name, headers) => {
    const fields = await addNoteFields(web.url);
    const before = await count();
    const res = await fetch(web.url, {
      method: "POST",
      headers,
      body: formBody(fields, { text: "created by another site" }),
      redirect: "manual",
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toContain("created by another site");
    expect(await count()).toBe(before);
  });

  it("the same post from our own page (same-origin) creates the note", async () => {
    const fields = await addNoteFields(web.url);
    const res = await fetch(web.url, {
      method: "POST",
      headers: { "sec-fetch-site": "same-origin", origin: web.url },
      body: formBody(fields, { text: "posted from our own page" }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const { notes } = (await (await fetch(`${api.url}/notes?limit=100`)).json()) as {
      notes: { text: string }[];
    };
    expect(notes.map((n) => n.text)).toContain("posted from our own page");
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
    "%s: page 200 with the generic panel, the form's generic message, /ready still 200",
    async (_name, handler) => {
      fake.answer(handler);
      const page = await fetch(web.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(GENERIC);
      expect(html).not.toContain(new URL(fake.url).host);

      const posted = await fetch(web.url, {
        method: "POST",
        body: formBody(hiddenFields(html, "Add a note"), { text: "hello" }),
      });
      expect(posted.status).toBe(200);
      const answer = await posted.text();
      expect(answer).toMatch(new RegExp(`data-testid="form-error"[^>]*>${GENERIC}<`));
      expect(answer).not.toContain(new URL(fake.url).host);

      expect((await fetch(`${web.url}/ready`)).status).toBe(200);
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
      const posted = await fetch(lonely.url, {
        method: "POST",
        body: formBody(hiddenFields(html, "Add a note"), { text: "hello" }),
      });
      expect(posted.status).toBe(200);
      expect(await posted.text()).toContain(GENERIC);
      expect((await fetch(`${lonely.url}/ready`)).status).toBe(200);
    } finally {
      await lonely.stop();
    }
  });
});
