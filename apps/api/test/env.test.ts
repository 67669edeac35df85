// parseEnv(): the API's variables on the shared rules (@repo/server tests the rules themselves).
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../src/env.js";

const failure = (source: Record<string, string>) => {
  try {
    parseEnv(source);
  } catch (err) {
    if (err instanceof EnvError) return err.message;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(source)}`);
};

describe("parseEnv", () => {
  it("fills in the defaults, and reads an empty variable as unset", () => {
    const env = parseEnv({ API_PORT: "", LOG_LEVEL: "" });
    expect(env).toMatchObject({
      NODE_ENV: "development",
      API_PORT: 3001,
      API_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DATA_DIR).toMatch(/apps\/api\/\.data$/);
  });

  it("keeps given values", () => {
    expect(parseEnv({ API_PORT: "8080", DATABASE_POOL_MAX: "20" })).toMatchObject({
      API_PORT: 8080,
      DATABASE_POOL_MAX: 20,
    });
  });

  it("names every bad variable in one error", () => {
    const message = failure({
      API_PORT: "0x50",
      LOG_LEVEL: "chatty",
      API_HOST: "a host",
      DATABASE_POOL_MAX: "9",
    });
    expect(message).toMatch(
      /^invalid configuration: API_PORT: must be plain decimal digits \(got "0x50"\); /,
    );
    expect(
      message.split("; ").map((problem) => problem.replace(/^invalid configuration: /, "").split(":")[0]),
    ).toEqual(["API_PORT", "API_HOST", "LOG_LEVEL"]);
  });

  it("requires DATABASE_URL in production and never echoes it", () => {
    expect(failure({ NODE_ENV: "production" })).toMatch(/^invalid configuration: DATABASE_URL: must be set/);
    const message = failure({ DATABASE_URL: "mysql://app:hunter2@db/app" });
    expect(message).toContain("DATABASE_URL: must be one postgres://");
    expect(message).not.toContain("hunter2");
  });
});
