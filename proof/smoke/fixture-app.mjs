// A stand-in app for the smoke test's failure cases, run in an image with the API's settings (API_PORT,
// API_HOST, /ready). FIXTURE_BEHAVIOUR (baked into the image's Env) picks how it misbehaves; "good" is the
// control that must pass, so each failure is down to its behaviour alone.
import { writeFileSync } from "node:fs";
import http from "node:http";

const behaviour = process.env.FIXTURE_BEHAVIOUR ?? "good";
const port = Number(process.env.API_PORT ?? 3001);
const host = process.env.API_HOST ?? "127.0.0.1";

// Every behaviour writes to /tmp, which the image declares writable; one also writes next to its code.
writeFileSync("/tmp/fixture-started", `${process.pid}\n`);
if (behaviour === "writes-outside") writeFileSync(new URL("./state.json", import.meta.url), "{}\n");

const server = http.createServer((req, res) => {
  if (req.url === "/ready") res.writeHead(behaviour === "never-ready" ? 503 : 200);
  else res.writeHead(404);
  res.end();
});
server.listen(port, host, () => process.stderr.write(`fixture (${behaviour}) on ${host}:${port}\n`));

process.on("SIGTERM", () => {
  if (behaviour === "ignores-sigterm") return;
  server.close(() => process.exit(behaviour === "exits-143" ? 143 : 0));
});
