// A tiny server for test-support's own tests. FIXTURE_MODE: "ok" (default), "exit" (exits 3 at once),
// "never-ready" (/health answers 503), "stubborn" (ignores SIGTERM).
import { createServer } from "node:http";

const mode = process.env.FIXTURE_MODE ?? "ok";
if (mode === "exit") {
  process.stderr.write("fixture: leaving at once\n");
  process.exit(3);
}
if (mode === "stubborn") process.on("SIGTERM", () => process.stderr.write("fixture: ignoring SIGTERM\n"));
createServer((_req, res) => {
  res.writeHead(mode === "never-ready" ? 503 : 200).end("fixture");
}).listen(Number(process.env.FIXTURE_PORT), "127.0.0.1", () => process.stdout.write("fixture: listening\n"));
