// Starts the fixture through test-support, prints its PID, then exits without stopping it (or dies by SIGTERM
// when ORPHAN_SIGNAL=1): the child must not outlive this process.
import { join } from "node:path";
import { freePort, startServer } from "../index.mjs";

const port = await freePort();
const server = await startServer({
  entry: join(import.meta.dirname, "fixture-server.mjs"),
  env: { FIXTURE_PORT: String(port) },
});
process.stdout.write(`${server.pid}\n`);
if (process.env.ORPHAN_SIGNAL === "1") process.kill(process.pid, "SIGTERM");
else process.exit(0);
