// The reference for the API's throughput: a bare node:http server answering every request with the same JSON
// bytes the API's GET /notes returned (BARE_BODY_FILE), with Content-Type application/json and nothing else.
// Listens on 127.0.0.1, port BARE_PORT (0 = the OS picks); prints {"port":N} once listening.
import { readFileSync } from "node:fs";
import http from "node:http";

const body = readFileSync(process.env.BARE_BODY_FILE);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
  res.end(body);
});
server.listen(Number(process.env.BARE_PORT || 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
