import { describe, expect, it } from "vitest";
import { parseEnv } from "../src/env.ts";

describe("parseEnv", () => {
  it("fills in the defaults, reading an empty variable as unset", () => {
    const env = parseEnv({ API_PORT: "", DATABASE_POOL_MAX: "20" });
    expect(env).toMatchObject({ NODE_ENV: "development", API_PORT: 3001, DATABASE_POOL_MAX: 20 });
    expect(env.PGLITE_DATA_DIR).toMatch(/apps\/api\/\.data$/);
  });

  it("names every bad variable in one error", () => {
    expect(() => parseEnv({ API_PORT: "0x50", LOG_LEVEL: "chatty" })).toThrow(
      /^invalid configuration: API_PORT: must be plain decimal digits \(got "0x50"\); LOG_LEVEL: /,
    );
  });

  it("requires DATABASE_URL in production and never echoes it", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/DATABASE_URL: must be set/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://app:hunter2@db/app" })).toThrow(
      /^invalid configuration: DATABASE_URL: must be one postgres:\/\/user:password@host\[:port\]\/database URL$/,
    );
  });

  it('reads DATABASE_DIRECT_URL ("" is unset) only beside DATABASE_URL, never echoing it', () => {
    const url = "postgres://a:b@c/d";
    expect(parseEnv({ DATABASE_DIRECT_URL: "" }).DATABASE_DIRECT_URL).toBeUndefined();
    expect(() => parseEnv({ DATABASE_DIRECT_URL: url })).toThrow(/DIRECT_URL: needs DATABASE_URL$/);
    expect(() => parseEnv({ DATABASE_URL: url, DATABASE_DIRECT_URL: "x:hunter2" })).toThrow(/URL$/);
  });
});
