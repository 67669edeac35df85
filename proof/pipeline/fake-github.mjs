// A stand-in for GitHub's REST API on 127.0.0.1, for the pipeline suite: answers from a routes file the suite
// rewrites between cases, and logs every request (method, path with query, whether a token came) as JSON lines.
//
//   node fake-github.mjs ROUTES.json LOG PORT_FILE
//
// ROUTES.json: { "GET /repos/acme/shop/git/ref/heads/main": { "status": 200, "body": {...} }, ... }; the key is
// the method and the path, with its query when a route is given for that exact query (pages of a list), else
// without. Unknown routes answer 404 like GitHub. The port it listens on is
// written to PORT_FILE once it is ready.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";

const [routesFile, logFile, portFile] = process.argv.slice(2);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const auth = req.headers.authorization ?? "";
  appendFileSync(
    logFile,
    `${JSON.stringify({ method: req.method, path: url.pathname, query: url.search, auth })}\n`,
  );
  const routes = JSON.parse(readFileSync(routesFile, "utf8"));
  const route =
    routes[`${req.method} ${url.pathname}${url.search}`] ?? routes[`${req.method} ${url.pathname}`];
  const status = route?.status ?? 404;
  const body = route?.body ?? { message: "Not Found" };
  if (status === 204) {
    res.writeHead(204).end(); // No Content, as GitHub answers a DELETE
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  writeFileSync(portFile, String(typeof address === "object" && address ? address.port : ""));
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
