// apps/api declares each variable once: its env schema is the source, turbo.json and .env.example follow it.
import { fileURLToPath } from "node:url";
import { describeEnvDeclaredOnce } from "../support/env-declared-once.mjs";
import { envSchema, parseEnv } from "../../apps/api/src/env";

describeEnvDeclaredOnce({
  appDir: fileURLToPath(new URL("../../apps/api", import.meta.url)),
  names: Object.keys(envSchema.shape),
  parse: parseEnv,
});
