// Every variable the API reads, parsed once at boot on the rules both apps share (@repo/server/config: "" is
// unset, a bad value is named with every other bad one). eslint bans process.env outside this file and index.ts.
import { fileURLToPath } from "node:url";
import {
  checkTimeouts,
  host,
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
    /** Not PORT, so a globally exported PORT never makes the web and the API collide. */
    API_PORT: port.default(3001),
    API_HOST: host.default("127.0.0.1"),
    LOG_LEVEL: logLevel.default("info"),
    /** Unset: PGlite in PGLITE_DATA_DIR, development only. Never echoed in errors (it carries a password). */
    DATABASE_URL: postgresUrl.optional(),
    /** Migrations only: the server itself, not a pooler, which in transaction mode would leak the session's lock. */
    DATABASE_DIRECT_URL: postgresUrl.optional(),
    DATABASE_POOL_MAX: integer(1, 1000).default(10),
    /** A query, or the wait for a connection, longer than this answers 503. Never 0 (no limit). */
    DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 600_000).default(5_000),
    /** apps/api/.data by default (the same from src/ and from dist/); "memory://" keeps nothing. */
    PGLITE_DATA_DIR: z.string().default(fileURLToPath(new URL("../.data", import.meta.url))),
    ...serverLifecycle,
  })
  .superRefine(checkTimeouts)
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.DATABASE_URL === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message:
          "must be set when NODE_ENV=production (PGlite, the development database, is not in the build)",
      });
    if (env.DATABASE_DIRECT_URL !== undefined && env.DATABASE_URL === undefined)
      ctx.addIssue({ code: "custom", path: ["DATABASE_DIRECT_URL"], message: "needs DATABASE_URL" });
  });

/** Throws ConfigError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>) {
  return parseConfig(envSchema, source, { secrets: ["DATABASE_URL", "DATABASE_DIRECT_URL"] });
}

export const loadEnv = () => parseEnv(process.env);
