// The API's configuration: every environment variable it reads, parsed and validated once, at boot, on the rules
// both apps share (@repo/contracts/config: "" means unset, ports are plain digits, WEB_ORIGIN is one origin).
// Everything else imports `Env`; eslint bans raw `process.env` outside this file and index.ts.
import {
  ConfigError,
  checkTimeouts,
  host,
  httpOrigin,
  integer,
  logLevel,
  parseConfig,
  port,
  serverLifecycle,
} from "@repo/contracts/config";
import { z } from "zod";

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Named API_PORT, not PORT, so a globally exported PORT never makes web and API collide. */
    API_PORT: port.default(3001),
    /** Loopback in development; the image sets 0.0.0.0. */
    API_HOST: host.default("127.0.0.1"),
    /** The one browser origin CORS allows, normalised to scheme://host[:port] as browsers send it. */
    WEB_ORIGIN: httpOrigin.default("http://localhost:3000"),
    LOG_LEVEL: logLevel.default("info"),
    /** Most notes the in-memory store keeps; creating one more answers 409 store_full. */
    NOTES_LIMIT: integer(1, 1_000_000).default(1000),
    ...serverLifecycle,
  })
  .superRefine(checkTimeouts);

export type Env = z.infer<typeof envSchema>;

export { ConfigError as EnvError };

/** Parses `source` (normally process.env); throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseConfig(envSchema, source);
}

export function loadEnv(): Env {
  return parseEnv(process.env);
}
