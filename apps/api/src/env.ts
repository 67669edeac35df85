// The API's configuration: every environment variable it reads, parsed and validated in one place.
// Everything else imports `Env`; eslint bans raw `process.env` outside this file and index.ts.
import { z } from "zod";

/** 0 asks the OS for a free port (tests use it); the log line says which one it got. */
const port = z.coerce.number().int().min(0).max(65535);
const milliseconds = z.coerce.number().int().min(0).max(600_000);
/** `API_PORT=` (set but empty) means "not set", not 0: coercion would otherwise turn "" into 0. */
const emptyIsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Named API_PORT, not PORT, so a globally exported PORT never makes web and API collide. */
  API_PORT: emptyIsUnset(port.default(3001)),
  /** Loopback in development; the image sets 0.0.0.0. */
  API_HOST: z.string().min(1).default("127.0.0.1"),
  /** The one browser origin CORS allows, normalised to scheme://host[:port] as browsers send it. */
  WEB_ORIGIN: z
    .url({ protocol: /^https?$/ })
    .transform((u) => new URL(u).origin)
    .default("http://localhost:3000"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Most notes the in-memory store keeps; creating one more answers 409 store_full. */
  NOTES_LIMIT: emptyIsUnset(z.coerce.number().int().min(1).max(1_000_000).default(1000)),
  /** After SIGTERM, how long /ready answers 503 before the listener closes (lets a load balancer stop routing). */
  SHUTDOWN_DELAY_MS: emptyIsUnset(milliseconds.default(0)),
  /** How long in-flight requests may take to finish after the listener closed, before the process gives up. */
  SHUTDOWN_TIMEOUT_MS: emptyIsUnset(milliseconds.default(10_000)),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Parses `source` (normally process.env); throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new EnvError(`invalid configuration: ${problems.join("; ")}`);
}

export function loadEnv(): Env {
  return parseEnv(process.env);
}
