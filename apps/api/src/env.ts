// The API's configuration: every environment variable it reads, parsed and validated once, at boot, on the rules
// both apps share (@repo/server/config: "" means unset, ports are plain digits, WEB_ORIGIN is one origin).
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
  postgresUrl,
  serverLifecycle,
} from "@repo/server/config";
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
    /**
     * The PostgreSQL server. Unset: PGlite (PostgreSQL in WASM, in-process) in PGLITE_DATA_DIR, for development
     * only; with NODE_ENV=production it must be set. Never echoed in errors (it carries a password).
     */
    DATABASE_URL: postgresUrl.optional(),
    /** Most connections the API opens to DATABASE_URL. */
    DATABASE_POOL_MAX: integer(1, 1000).default(10),
    /**
     * The longest a database query, or waiting for a connection, may take before the request gets 503: also
     * PostgreSQL's statement_timeout. Never 0 (no limit), so an unreachable database can't hang requests.
     */
    DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 600_000).default(5_000),
    /** Where PGlite keeps its files when DATABASE_URL is unset; "memory://" keeps nothing. Default apps/api/.data. */
    PGLITE_DATA_DIR: z.string().optional(),
    ...serverLifecycle,
  })
  .superRefine(checkTimeouts)
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.DATABASE_URL === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message:
          "must be set when NODE_ENV=production (PGlite, the development database, is not in the production build)",
      });
  });

export type Env = z.infer<typeof envSchema>;

export { ConfigError as EnvError };

/** Parses `source` (normally process.env); throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseConfig(envSchema, source, { secrets: ["DATABASE_URL"] });
}

export function loadEnv(): Env {
  return parseEnv(process.env);
}
