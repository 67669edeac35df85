// apps/web declares each variable once: its env schema is the source, turbo.json and .env.example follow it.
import { fileURLToPath } from "node:url";
import { describeEnvDeclaredOnce } from "../support/env-declared-once.mjs";
import { parseWebEnv, webEnvSchema } from "../../apps/web/src/env";

describeEnvDeclaredOnce({
  appDir: fileURLToPath(new URL("../../apps/web", import.meta.url)),
  names: Object.keys(webEnvSchema.shape),
  parse: parseWebEnv,
});
