// The rules every app reads its environment by: each app's env.ts builds one schema from these and parses it at
// boot, before listening. "" is unset everywhere, numbers are plain digits (no 0x50 or 1e3), secrets are never echoed.
import { z } from "zod";

const digits = /^[0-9]+$/;

/** Plain decimal digits within [min, max]. */
export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(digits, { error: "must be plain decimal digits" })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

export const port = integer(1, 65535);
export const milliseconds = integer(0, 600_000); // up to ten minutes

export const host = z
  .string()
  .regex(/^[^\s/]+$/, { error: "must be a host name or address, no spaces or slashes" });

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be one absolute http(s) URL" });

/** One postgres:// or postgresql:// connection URL with a host (libpq's key=value form is not accepted). */
export const postgresUrl = z.string().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  },
  { error: "must be one postgres://user:password@host[:port]/database URL" },
);

export const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** HTTP server timeouts and graceful shutdown, the same variables and defaults for both servers. */
export const serverLifecycle = {
  /** Time a client has to send the request headers (slow-header attacks). */
  HEADERS_TIMEOUT_MS: milliseconds.default(10_000),
  /** Time a client has to send the whole request, body included. */
  REQUEST_TIMEOUT_MS: milliseconds.default(30_000),
  /** How long an idle keep-alive connection stays open (above common load balancers' 60 s). */
  KEEP_ALIVE_TIMEOUT_MS: milliseconds.default(65_000),
  /** After a signal, how long /ready answers 503 before the listener closes. */
  SHUTDOWN_DELAY_MS: milliseconds.default(0),
  /** How long requests in flight may take to finish after the listener closed, before exit 1. */
  SHUTDOWN_TIMEOUT_MS: milliseconds.default(10_000),
};

export type Lifecycle = Record<keyof typeof serverLifecycle, number>;

/** Node refuses a headers timeout longer than the request timeout; say so by name instead. */
export function checkTimeouts(env: Lifecycle, ctx: z.RefinementCtx) {
  if (env.REQUEST_TIMEOUT_MS > 0 && env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS)
    ctx.addIssue({
      code: "custom",
      path: ["HEADERS_TIMEOUT_MS"],
      message: "must not be longer than REQUEST_TIMEOUT_MS",
    });
}

export class ConfigError extends Error {}

/**
 * Parses `source` (normally process.env) with `schema` after dropping every variable set to "" (unset).
 * Throws ConfigError naming every bad variable: `invalid configuration: API_PORT: …; LOG_LEVEL: …`, quoting the
 * value given unless the variable is one of `secrets`.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
  { secrets = [] }: { secrets?: readonly string[] } = {},
): z.output<S> {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const value = secrets.includes(name) ? undefined : present[name];
    return `${name}: ${issue.message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
}
