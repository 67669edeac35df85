// The drain of @repo/server's guard at the HTTP level, in-process (process.test.ts and proof/load cover the built
// servers): a request is either answered or never handed to the app, pipelined or not.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createGuard } from "../../packages/server/src/guard";

const lifecycle = {
  HEADERS_TIMEOUT_MS: 10_000,
  REQUEST_TIMEOUT_MS: 30_000,
  KEEP_ALIVE_TIMEOUT_MS: 65_000,
  SHUTDOWN_DELAY_MS: 0,
  SHUTDOWN_TIMEOUT_MS: 10_000,
};

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

/**
 * A guarded server whose handler records each request it is handed. `/held` answers (headers and body) once
 * `release()` is called; `/streamed` sends its headers at once and ends on `release()`; anything else answers "ok".
 */
async function guarded(delayMs = 0) {
  const handled: string[] = [];
  const exits: number[] = [];
  const connections: Socket[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handled.push(req.url ?? "");
    if (req.url === "/held") void released.then(() => res.end("done"));
    else if (req.url === "/streamed") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("started;");
      void released.then(() => res.end("done"));
    } else res.end("ok");
  });
  server.on("connection", (socket: Socket) => connections.push(socket));
  const guard = createGuard(
    { ...lifecycle, SHUTDOWN_DELAY_MS: delayMs },
    { name: "test", log: () => {}, exit: (code) => exits.push(code) },
  );
  guard.add(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  /** Resolves once the server has read (and so parsed) `bytes` bytes on its only connection. */
  const serverRead = async (bytes: number) => {
    while ((connections[0]?.bytesRead ?? 0) < bytes) await tick();
  };
  const port = (server.address() as AddressInfo).port;
  return { guard, handled, exits, release, serverRead, port };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A raw connection: everything received, and a promise for when the server closes it. */
async function open(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  let received = "";
  socket.setEncoding("latin1").on("data", (chunk: string) => (received += chunk));
  socket.on("error", () => {}); // a reset shows up as `closed`
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const until = async (pattern: RegExp) => {
    while (!pattern.test(received)) await tick();
  };
  return { socket, closed, until, received: () => received };
}

/** The responses in `raw`, each from its status line on. */
const responses = (raw: string) => raw.split(/(?=HTTP\/1\.1 \d{3} )/).filter((r) => r.startsWith("HTTP/"));

describe("the drain", () => {
  it("gives a response in flight at the signal Connection: close, and the server closes the connection after it", async () => {
    const app = await guarded();
    const client = await open(app.port);
    client.socket.write(get("/held"));
    while (!app.handled.includes("/held")) await tick();
    app.guard.shutdown("test");
    app.release();
    await client.closed;
    const [held, ...more] = responses(client.received());
    expect(held).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\nConnection: close\r\n[\s\S]*done$/i);
    expect(more).toEqual([]);
    while (app.exits.length === 0) await tick();
    expect(app.exits).toEqual([0]);
  });

  it("answers every pipelined request the app was handed before the signal, then closes", async () => {
    const app = await guarded();
    const client = await open(app.port);
    client.socket.write(get("/held") + get("/b") + get("/c"));
    while (app.handled.length < 3) await tick();
    app.guard.shutdown("test");
    app.release();
    await client.closed;
    expect(app.handled).toEqual(["/held", "/b", "/c"]);
    expect(responses(client.received())).toHaveLength(3);
  });

  it("after the signal, answers pipelined requests up to the one whose answer closes the connection, and runs no more", async () => {
    const app = await guarded(60_000); // the listener stays open: only a response closes the connection
    app.guard.shutdown("test");
    const client = await open(app.port);
    // /a is answered before /b is parsed: its answer is the last on the connection; /b and /c are never run, so
    // the client retries them elsewhere as HTTP expects of a pipelining client.
    client.socket.write(get("/a") + get("/b") + get("/c"));
    await client.closed;
    expect(app.handled).toEqual(["/a"]);
    const answers = responses(client.received());
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatch(/\r\nConnection: close\r\n/i);
  });

  it("never hands the app a request read after its connection's closing response was written", async () => {
    const app = await guarded(60_000);
    app.guard.shutdown("test");
    const client = await open(app.port);
    client.socket.write(get("/streamed"));
    await client.until(/\r\nConnection: close\r\n[\s\S]*started;/i);
    // The client sends another request before seeing the end; the server reads it while the response is open.
    client.socket.write(get("/too-late"));
    await app.serverRead(get("/streamed").length + get("/too-late").length);
    app.release();
    await client.closed;
    expect(responses(client.received())).toHaveLength(1);
    expect(app.handled).toEqual(["/streamed"]);
  });

  it("closes idle keep-alive connections when the listener closes", async () => {
    const app = await guarded();
    const client = await open(app.port);
    client.socket.write(get("/x"));
    await client.until(/ok$/);
    app.guard.shutdown("test");
    await client.closed;
    expect(responses(client.received())).toHaveLength(1);
    while (app.exits.length === 0) await tick();
    expect(app.exits).toEqual([0]);
  });
});
