// A stand-in for the API on 127.0.0.1 whose answer each test sets: for the ways a real API can answer badly.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

export interface FakeApi {
  url: string;
  /** Bodies received, in order. */
  received: string[];
  answer(handler: Handler): void;
  close(): Promise<void>;
}

export const json = (res: ServerResponse, status: number, value: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));

/** Each way an API can answer that the web must turn into 502 api_unavailable. */
export const badAnswers: [string, Handler][] = [
  [
    "an HTML page with 200",
    (_q, _b, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>hi</html>"),
  ],
  [
    "an empty body with 200",
    (_q, _b, res) => res.writeHead(200, { "content-type": "application/json" }).end(),
  ],
  ["the wrong shape", (_q, _b, res) => json(res, 200, { items: [{ id: 1 }], note: "nope" })],
  [
    "a 500 with a JSON error",
    (_q, _b, res) => json(res, 500, { error: "internal_error", message: "db at 10.0.0.5 down" }),
  ],
  [
    "a 500 with HTML",
    (_q, _b, res) => res.writeHead(500, { "content-type": "text/html" }).end("<h1>oops</h1>"),
  ],
  ["a 404 that isn't an error body", (_q, _b, res) => res.writeHead(404).end("Not Found")],
  [
    "a body cut off halfway",
    (_q, _b, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"notes": [');
      setTimeout(() => res.socket?.destroy(), 50);
    },
  ],
  [
    "headers, then a body that stalls",
    (_q, _b, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"notes": [');
    },
  ],
  ["no answer at all", () => undefined],
];

export async function startFakeApi(): Promise<FakeApi> {
  let handler: Handler = (_req, _body, res) => json(res, 200, { notes: [], nextCursor: null });
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      if (req.url !== "/ready") received.push(body);
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (h) => (handler = h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
