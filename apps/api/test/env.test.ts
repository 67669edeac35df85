// parseEnv(): the API's schema on the shared rules (@repo/server/config tests the rules themselves).
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { describeEnvDeclaredOnce } from "@repo/test-support/env-declared-once";
import { EnvError, envSchema, parseEnv } from "../src/env.js";

/** The EnvError parseEnv throws for `source` (fails the test when it does not throw). */
function envError(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return err as EnvError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

const defaults = {
  NODE_ENV: "development",
  API_PORT: 3001,
  API_HOST: "127.0.0.1",
  WEB_ORIGIN: "http://localhost:3000",
  LOG_LEVEL: "info",
  DATABASE_POOL_MAX: 10,
  DATABASE_STATEMENT_TIMEOUT_MS: 5000,
  HEADERS_TIMEOUT_MS: 10_000,
  REQUEST_TIMEOUT_MS: 30_000,
  KEEP_ALIVE_TIMEOUT_MS: 65_000,
  SHUTDOWN_DELAY_MS: 0,
  SHUTDOWN_TIMEOUT_MS: 10_000,
};

describe("parseEnv", () => {
  it("fills in the documented defaults for an empty environment", () => {
    expect(parseEnv({})).toEqual(defaults);
  });

  it("keeps the given values", () => {
    const given = {
      NODE_ENV: "production",
      API_PORT: "8080",
      API_HOST: "0.0.0.0",
      WEB_ORIGIN: "https://example.com",
      LOG_LEVEL: "warn",
      DATABASE_URL: "postgres://app:secret@db.internal:5432/notes",
      DATABASE_POOL_MAX: "20",
      DATABASE_STATEMENT_TIMEOUT_MS: "2500",
      PGLITE_DATA_DIR: "/tmp/notes",
      HEADERS_TIMEOUT_MS: "2000",
      REQUEST_TIMEOUT_MS: "3000",
      KEEP_ALIVE_TIMEOUT_MS: "4000",
      SHUTDOWN_DELAY_MS: "250",
      SHUTDOWN_TIMEOUT_MS: "3000",
    };
    const numbers = new Set(
      Object.keys(defaults).filter((k) => typeof defaults[k as keyof typeof defaults] === "number"),
    );
    expect(parseEnv(given)).toEqual(
      Object.fromEntries(Object.entries(given).map(([k, v]) => [k, numbers.has(k) ? Number(v) : v])),
    );
  });

  it("treats every variable set but empty as unset", () => {
    expect(parseEnv(Object.fromEntries(Object.keys(defaults).map((k) => [k, ""])))).toEqual(defaults);
  });

  it("ignores a globally exported PORT and HOSTNAME", () => {
    const env = parseEnv({ PORT: "4000", HOSTNAME: "10.1.2.3" });
    expect(env.API_PORT).toBe(3001);
    expect(env.API_HOST).toBe("127.0.0.1");
    expect(parseEnv({ PORT: "4000", API_PORT: "5000" }).API_PORT).toBe(5000);
  });

  it.each([
    ["API_PORT", "abc"],
    ["API_PORT", "0"],
    ["API_PORT", "0x50"],
    ["API_PORT", "1e3"],
    ["API_PORT", "70000"],
    ["API_PORT", "80.5"],
    ["API_HOST", "a host"],
    ["WEB_ORIGIN", "not a url"],
    ["WEB_ORIGIN", "http://a.example,http://b.example"],
    ["WEB_ORIGIN", "https://app.example.com/path"],
    ["LOG_LEVEL", "verbose"],
    ["LOG_LEVEL", "INFO"],
    ["NODE_ENV", "staging"],
    ["HEADERS_TIMEOUT_MS", "ten"],
    ["REQUEST_TIMEOUT_MS", "-1"],
    ["KEEP_ALIVE_TIMEOUT_MS", "1.5"],
    ["SHUTDOWN_DELAY_MS", "-5"],
    ["SHUTDOWN_TIMEOUT_MS", "soon"],
    ["DATABASE_URL", "http://db.internal/notes"],
    ["DATABASE_URL", "host=db user=app"],
    ["DATABASE_POOL_MAX", "0"],
    ["DATABASE_POOL_MAX", "ten"],
    ["DATABASE_STATEMENT_TIMEOUT_MS", "0"],
    ["DATABASE_STATEMENT_TIMEOUT_MS", "1e4"],
  ])("rejects %s=%j with an error naming it", (name, value) => {
    const err = envError({ [name]: value });
    expect(err.message).toMatch(/^invalid configuration: /);
    expect(err.message).toContain(`${name}: `);
  });

  it("requires DATABASE_URL in production, and only there", () => {
    expect(envError({ NODE_ENV: "production" }).message).toBe(
      "invalid configuration: DATABASE_URL: must be set when NODE_ENV=production (PGlite, the development database, is not in the production build)",
    );
    expect(parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://db/x" }).DATABASE_URL).toBe(
      "postgres://db/x",
    );
    expect(parseEnv({ NODE_ENV: "test" }).DATABASE_URL).toBeUndefined();
  });

  it("never quotes DATABASE_URL in an error (it carries a password)", () => {
    const err = envError({ DATABASE_URL: "mysql://app:hunter2@db/notes" });
    expect(err.message).toContain("DATABASE_URL: ");
    expect(err.message).not.toContain("hunter2");
  });

  it("names every bad variable at once, and only those", () => {
    const err = envError({ API_PORT: "abc", WEB_ORIGIN: "nope", LOG_LEVEL: "loud", API_HOST: "0.0.0.0" });
    expect(err.message).toContain("API_PORT: ");
    expect(err.message).toContain("WEB_ORIGIN: ");
    expect(err.message).toContain("LOG_LEVEL: ");
    expect(err.message).not.toContain("API_HOST");
    expect(err.message.split("; ")).toHaveLength(3);
  });
});

describeEnvDeclaredOnce({
  appDir: fileURLToPath(new URL("..", import.meta.url)),
  names: Object.keys(envSchema.shape),
  parse: parseEnv,
});
