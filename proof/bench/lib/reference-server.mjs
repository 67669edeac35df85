// A throughput reference for the API: answers GET BODY_PATH with the JSON in BODY_FILE (what the API answered to
// its declared read), serialised per request as the API does, on 127.0.0.1:PORT. Bare node:http by default; with
// EXPRESS_FROM (a package.json whose dependencies include express: the API's), a bare Express app with one route
// and Express's defaults.
import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";

const { BODY_FILE, BODY_PATH = "/", PORT, EXPRESS_FROM } = process.env;
const answer = JSON.parse(readFileSync(BODY_FILE, "utf8"));

if (EXPRESS_FROM) {
  const express = createRequire(EXPRESS_FROM)("express");
  const app = express();
  app.get(BODY_PATH, (_req, res) => res.json(answer));
  app.listen(Number(PORT), "127.0.0.1");
} else {
  const server = http.createServer((_req, res) => {
    const body = JSON.stringify(answer);
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.listen(Number(PORT), "127.0.0.1");
}
process.on("SIGTERM", () => process.exit(0));
