// The web server's configuration: one schema on the rules both apps share (@repo/server/config), parsed once at
// boot (start.mjs in production, instrumentation.ts under `next dev`). eslint bans raw `process.env` elsewhere.
import {
  checkTimeouts,
  host,
  httpUrl,
  integer,
  parseConfig,
  port,
  serverLifecycle,
} from "@repo/server/config";
import { z } from "zod";

export const webEnvSchema = z
  .object({
    /** Named WEB_PORT, not PORT, so a globally exported PORT never decides where the web listens. */
    WEB_PORT: port.default(3000),
    WEB_HOST: host.default("0.0.0.0"),
    /** How the web server reaches the API (server to server; the browser never calls it directly). */
    API_URL: httpUrl.default("http://127.0.0.1:3001"),
    /** How long one call to the API may take, body included, before the page shows its error panel. */
    API_TIMEOUT_MS: integer(100, 60_000).default(5_000),
    ...serverLifecycle,
  })
  .superRefine(checkTimeouts);

export type WebEnv = z.infer<typeof webEnvSchema>;

/** Throws ConfigError naming every bad variable. */
export function parseWebEnv(source: Record<string, string | undefined>): WebEnv {
  return parseConfig(webEnvSchema, source);
}

let parsed: WebEnv | undefined;

/** The configuration, parsed on first use and kept. */
export function webEnv(): WebEnv {
  parsed ??= parseWebEnv(process.env);
  return parsed;
}
