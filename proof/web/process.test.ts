// The standalone web server started through start.mjs, as the image starts it: the promises LESSONS.md lists —
// listening where WEB_PORT/WEB_HOST say, draining on each signal, idle and half-open connections closed at once,
// a second signal, listen errors, the timeouts, and bad configuration refused before listening. What the API
// promises too is one shared suite (describeServerProcess); the web's own cases are written out here.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  holdPort,
  isRefused,
  openSocket,
  paths,
  sleep,
  startApi,
  startWeb,
  within,
  type RunningServer,
} from "../support/index.mjs";
import { describeServerProcess } from "../support/server-process.mjs";
import { hiddenFields, multipart } from "../support/forms.mjs";

const started: RunningServer[] = [];
let api: RunningServer;

async function web(env: Record<string, string> = {}) {
  const server = await startWeb({ apiUrl: api.url, env });
  started.push(server);
  return server;
}

/** Runs start.mjs to its exit with exactly `env`; for configurations that must not start. */
function runToExit(env: Record<string, string>) {
  return spawnSync(process.execPath, [paths.webEntry], {
    env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** The head of a form post (what a browser without JavaScript sends to create a note) whose body is `body`. */
const postHead = (contentType: string, body: string) =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;

/** A request the server waits on: a post whose body never finishes arriving. */
const stuckPost = postHead("multipart/form-data; boundary=x", "x".repeat(100)) + "--x\r\n";

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop("SIGKILL")));
  await api?.stop();
});

describe("listening", () => {
  it("listens on WEB_PORT/WEB_HOST, ignoring a global PORT (held by another process) and HOSTNAME", async () => {
    const held = await holdPort();
    try {
      // Were PORT used, the web would fail with EADDRINUSE; were HOSTNAME used, with EADDRNOTAVAIL.
      const server = await web({ PORT: String(held.port), HOSTNAME: "203.0.113.1" });
      expect(server.port).not.toBe(held.port);
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await held.close();
    }
  });
});

describe("draining", () => {
  it("finishes an in-flight request after SIGTERM, refuses new connections, then exits 0", async () => {
    const server = await web();
    const text = "sent slowly while the server shuts down";
    const fields = hiddenFields(await (await fetch(server.url)).text(), "Add a note");
    const { contentType, body } = multipart([...fields, ["text", text]]);
    const slow = await openSocket(server.url, postHead(contentType, body) + body.slice(0, 10));
    await sleep(1_000); // time to read its headers: from then on it is a request in flight

    server.child.kill("SIGTERM");
    // The listener closes: a new connection is refused while the old request is still open.
    while (!(await isRefused(server.port))) await sleep(50); // the test's timeout bounds it
    slow.socket.write(body.slice(10));

    // The action ran to the end: the browser is sent back to the page (303).
    const raw = await slow.closed;
    expect(raw).toMatch(/^HTTP\/1\.1 303/);
    expect(await within(server.exited, 60_000, "exiting")).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain("web: drained; bye");

    const { notes } = (await (await fetch(`${api.url}/notes`)).json()) as { notes: { text: string }[] };
    expect(notes.map((n) => n.text)).toContain(text);
  });

  it("keeps serving for SHUTDOWN_DELAY_MS with /ready 503 and Connection: close, then exits 0", async () => {
    const server = await web({ SHUTDOWN_DELAY_MS: "5000" }); // long enough for the two requests on a busy machine
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    server.child.kill("SIGTERM");
    await sleep(300);
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: "shutting_down" });
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("connection")).toBe("close");
    expect(await within(server.exited, 60_000, "exiting")).toEqual({ code: 0, signal: null });
    expect(await isRefused(server.port)).toBe(true);
  });
});

// What both servers promise (the signals, the timeouts, listen errors, bad variables): the suite the API's tests run too.
describeServerProcess({
  name: "web",
  start: web,
  runToExit,
  logged: (server) =>
    server
      .output()
      .split("\n")
      .filter((line) => line.startsWith("web: "))
      .map((line) => line.slice("web: ".length)),
  stuckRequest: stuckPost,
  listenVariables: { port: "WEB_PORT", host: "WEB_HOST" },
  badVariables: [
    ["WEB_PORT", "http"],
    ["WEB_PORT", "0x50"],
    ["WEB_PORT", "0"],
    ["WEB_PORT", "65536"],
    ["WEB_HOST", "a b"],
    ["API_URL", "api.internal:3001"],
    ["API_TIMEOUT_MS", "fast"],
    ["HEADERS_TIMEOUT_MS", "soon"],
    ["REQUEST_TIMEOUT_MS", "-1"],
    ["KEEP_ALIVE_TIMEOUT_MS", "1.5"],
    ["SHUTDOWN_DELAY_MS", "1e3"],
    ["SHUTDOWN_TIMEOUT_MS", "forever"],
  ],
  severalBadVariables: { WEB_PORT: "x", API_URL: "nope", SHUTDOWN_TIMEOUT_MS: "y" },
  optionalVariables: ["API_TIMEOUT_MS", "SHUTDOWN_DELAY_MS", "KEEP_ALIVE_TIMEOUT_MS"],
});
