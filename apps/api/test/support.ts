// Helpers shared by the API tests: a silent logger, a real listening server, a raw HTTP/1.1 client on node:net so
// malformed requests are sent byte for byte (fetch and supertest would fix them up or refuse), and a check that
// dist/ is newer than every source it bundles. Starting the built server is @repo/test-support's job.
import type { Server } from "node:http";
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { connect, type AddressInfo } from "node:net";
import { paths } from "@repo/test-support";
import { pino } from "pino";
import { createApp, type ServerOptions } from "../src/app.js";
import { MemoryNoteStore } from "./memory-store.js";

export const WEB_ORIGIN = "http://web.test:3000";

export const silentLogger = () => pino({ level: "silent" });

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** createApp() with test defaults; any option can be overridden. */
export function testApp(options: Partial<ServerOptions> = {}) {
  return createApp({
    store: new MemoryNoteStore(),
    logger: silentLogger(),
    webOrigin: WEB_ORIGIN,
    ...options,
  });
}

export interface Listening {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts the app on a free loopback port. */
export function listen(app: ReturnType<typeof createApp>): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, "127.0.0.1", (err?: Error) => {
      if (err) {
        reject(err);
        return;
      }
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Resolves true when a TCP connection to the port is refused, false when something accepts it. */
export function isRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED") resolve(true);
      else reject(err);
    });
  });
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

/** Every file under `dir`, subfolders included. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * turbo builds before testing; when the tests run directly (or a source changed since), build here so the process
 * tests never run an old bundle. Looks at every file the bundle is made of: src/** and the packages it imports.
 */
export function ensureBuilt() {
  const apiDir = join(paths.repoRoot, "apps/api");
  const sources = [
    join(apiDir, "src"),
    join(paths.repoRoot, "packages/contracts/src"),
    join(paths.repoRoot, "packages/server/src"),
    join(paths.repoRoot, "packages/db/src"),
  ].flatMap(filesUnder);
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  let built = 0;
  try {
    built = statSync(paths.apiEntry).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newest) return;
  const build = spawnSync(process.execPath, ["build.mjs"], {
    cwd: apiDir,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (build.status !== 0) throw new Error(`building the API failed:\n${build.stdout}\n${build.stderr}`);
}
