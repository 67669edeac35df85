// Entry point (tsx in dev, dist/index.mjs in production): validate config, then serve.
import { EnvError, loadEnv } from "./env.js";
import { startServer } from "./server.js";

try {
  startServer(loadEnv());
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  process.stderr.write(`api: ${err.message}\n`);
  process.exit(1);
}
