// Imported by instrumentation.ts in the Node.js runtime only: parse the configuration once, or exit 1 naming every
// bad variable, as start.mjs does before `next start`'s server listens.
import { ConfigError, webEnv } from "@/env";

try {
  webEnv();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`web: ${err.message}\n`);
  process.exit(1);
}
