// Starts the fixture server (and, with ORPHAN_POSTGRES=1, a PostgreSQL cluster) through test-support, prints
// `{"pid":…,"dir":…}`, then leaves without stopping them: ORPHAN_END=exit exits 0, SIGTERM/SIGKILL send that signal
// to itself. Nothing it started may outlive it.
import { join } from "node:path";
import { freePort, startPostgres, startServer } from "../index.mjs";

const port = await freePort();
const server = await startServer({
  entry: join(import.meta.dirname, "fixture-server.mjs"),
  env: { FIXTURE_PORT: String(port) },
});
const cluster = process.env.ORPHAN_POSTGRES === "1" ? await startPostgres() : undefined;
process.stdout.write(`${JSON.stringify({ pid: server.pid, dir: cluster?.dir })}\n`);
const end = process.env.ORPHAN_END ?? "exit";
if (end === "exit") process.exit(0);
else process.kill(process.pid, end);
