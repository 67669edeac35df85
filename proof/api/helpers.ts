// Helpers for the API's proof suites: a raw HTTP/1.1 client on node:net, so malformed requests go out byte for byte
// (fetch would fix them up or refuse), and small JSON calls against a running API.
import { connect } from "node:net";
import { paths, requireBuilt, sleep } from "../support/index.mjs";

/** Fails early with a clear message when the API isn't built (`pnpm --filter api build`). */
export const requireApiBuilt = () => requireBuilt(paths.apiEntry);

export interface Row {
  id: string;
  text: string;
  createdAt: string;
}

/** POST /notes with `{ text }`. */
export async function post(url: string, text: unknown) {
  const res = await fetch(`${url}/notes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as { note?: Row; error?: string; message?: string } };
}

/** Every row, page after page of `limit`. */
export async function listAll(url: string, limit = 100): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  do {
    const query: string = after === null ? "" : `&after=${after}`;
    const page = (await (await fetch(`${url}/notes?limit=${limit}${query}`)).json()) as {
      notes: Row[];
      nextCursor: string | null;
    };
    rows.push(...page.notes);
    after = page.nextCursor;
  } while (after !== null);
  return rows;
}

/** Deletes every row through the API. */
export async function deleteAll(url: string) {
  for (const row of await listAll(url)) await fetch(`${url}/notes/${row.id}`, { method: "DELETE" });
}

export interface RawResponse {
  /** Every byte the server sent. */
  raw: Buffer;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (rather than the client giving up after `timeoutMs`). */
  closedByServer: boolean;
}

export interface RawOptions {
  /** Half-close the client side after the last chunk (a FIN, as `curl` does when its upload ends). */
  endAfterWrite?: boolean;
  /** Pause between chunks. */
  delayMs?: number;
  timeoutMs?: number;
}

/**
 * Sends `chunks` as-is on a fresh TCP connection and collects everything until the server closes it
 * (requests built with `rawRequest` ask for `Connection: close`) or `timeoutMs` passes.
 */
export function sendRaw(
  port: number,
  chunks: (string | Buffer)[],
  options: RawOptions = {},
): Promise<RawResponse> {
  const { endAfterWrite = false, delayMs = 0, timeoutMs = 5_000 } = options;
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let closedByServer = true;
    const socket = connect(port, "127.0.0.1");
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, timeoutMs);
    socket.on("data", (d: Buffer) => received.push(d));
    // A reset after the server answered (it closed with unread request bytes) still counts as a close.
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "ECONNRESET" && err.code !== "EPIPE") reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const raw = Buffer.concat(received);
      resolve({ raw, closedByServer, ...parseResponse(raw) });
    });
    socket.on("connect", () => {
      void (async () => {
        for (const [i, chunk] of chunks.entries()) {
          if (i > 0 && delayMs > 0) await sleep(delayMs);
          if (socket.destroyed) return;
          socket.write(chunk);
        }
        if (endAfterWrite && !socket.destroyed) socket.end();
      })();
    });
  });
}

/** Parses the first HTTP response in `raw` (Content-Length or chunked body). */
export function parseResponse(raw: Buffer): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const text = raw.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return { status: 0, headers: {}, body: "" };
  const [statusLine = "", ...headerLines] = text.slice(0, headEnd).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(headEnd + 4);
  if (headers["content-length"] !== undefined) {
    body = body.subarray(0, Number(headers["content-length"]));
  } else if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    let rest = body;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      const size = parseInt(rest.subarray(0, lineEnd).toString("latin1"), 16);
      if (!(size > 0)) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  }
  return { status, headers, body: body.toString("utf8") };
}

export interface RawRequestParts {
  method?: string;
  path?: string;
  /** Header lines in order; `Host` and `Connection: close` are added unless present, Content-Length only when asked. */
  headers?: [string, string][];
  body?: string | Buffer;
  /** Add a Content-Length matching `body` (default true when there is a body and no Content-Length/Transfer-Encoding). */
  contentLength?: boolean;
}

/** Builds the bytes of one HTTP/1.1 request (no normalisation: paths and header values are sent as given). */
export function rawRequest({
  method = "GET",
  path = "/",
  headers = [],
  body,
  contentLength,
}: RawRequestParts): Buffer {
  const names = new Set(headers.map(([name]) => name.toLowerCase()));
  const lines: [string, string][] = [];
  if (!names.has("host")) lines.push(["Host", "127.0.0.1"]);
  lines.push(...headers);
  if (!names.has("connection")) lines.push(["Connection", "close"]);
  const payload =
    body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  const wantsLength =
    contentLength ?? (body !== undefined && !names.has("content-length") && !names.has("transfer-encoding"));
  if (wantsLength) lines.push(["Content-Length", String(payload.length)]);
  const head = `${method} ${path} HTTP/1.1\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

/** A POST /notes with a JSON content type and the given body. */
export function postJson(body: string | Buffer, headers: [string, string][] = []): Buffer {
  return rawRequest({
    method: "POST",
    path: "/notes",
    headers: [["Content-Type", "application/json"], ...headers],
    body,
  });
}
