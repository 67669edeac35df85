// The standalone web server, started through start.mjs as the image starts it: SIGTERM while a request is in
// flight lets it finish, refuses new connections, and exits 0.
import { spawnSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, startWeb, webEntry, type Running } from "./support";

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on("error", reject);
  });
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    socket.on("data", (d: Buffer) => (data += d.toString()));
    socket.on("close", () => resolve(data));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("web graceful shutdown", () => {
  let api: Running;
  let web: Running;

  beforeAll(async () => {
    api = await startApi();
    web = await startWeb(api.url);
  });
  afterAll(async () => {
    await web?.stop("SIGKILL");
    await api?.stop();
  });

  it("ignores a global PORT/HOSTNAME and listens on WEB_PORT/WEB_HOST", async () => {
    // startWeb set PORT to the API's port and HOSTNAME to a foreign address; a collision would have failed.
    expect((await fetch(web.url)).status).toBe(200);
  });

  it("finishes an in-flight request after SIGTERM, then exits 0", async () => {
    const body = JSON.stringify({ text: "sent slowly while the server shuts down" });
    const socket = await open(web.url);
    const response = readAll(socket);
    socket.write(
      `POST /api/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
    );
    socket.write(body.slice(0, 10));
    await sleep(300);

    web.child.kill("SIGTERM");
    await sleep(300);
    // The listener is closed: a new connection is refused while the old request is still open.
    await expect(open(web.url)).rejects.toThrow(/ECONNREFUSED/);
    socket.write(body.slice(10));

    const raw = await response;
    expect(raw).toMatch(/^HTTP\/1\.1 201/);
    expect(raw).toContain("sent slowly while the server shuts down");
    expect(await web.exit).toBe(0);
    expect(web.output()).toContain("drained");

    const { notes } = (await (await fetch(`${api.url}/notes`)).json()) as { notes: { text: string }[] };
    expect(notes.map((n) => n.text)).toContain("sent slowly while the server shuts down");
  });

  it("keeps serving for SHUTDOWN_DELAY_MS after SIGTERM, asking clients to close, then exits 0", async () => {
    const delayed = await startWeb(api.url, { SHUTDOWN_DELAY_MS: "1500" });
    delayed.child.kill("SIGTERM");
    await sleep(300);
    const during = await fetch(delayed.url);
    expect(during.status).toBe(200);
    expect(during.headers.get("connection")).toBe("close");
    expect(await delayed.exit).toBe(0);
    await expect(open(delayed.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("refuses a bad WEB_PORT with a clear message and exit 1", () => {
    const result = spawnSync(process.execPath, [webEntry], {
      env: { NODE_ENV: "production", WEB_PORT: "http" },
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("WEB_PORT must be an integer");
  });
});
