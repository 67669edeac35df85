import { describe, expect, it } from "vitest";
import { parseEnv } from "../src/env.js";

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

  it('reads DATABASE_DIRECT_URL like DATABASE_URL ("" unset, never echoed), only beside it', () => {
    const DATABASE_URL = "postgres://app:hunter2@db:5432/app";
    expect(parseEnv({ DATABASE_URL, DATABASE_DIRECT_URL: "" }).DATABASE_DIRECT_URL).toBeUndefined();
    expect(() => parseEnv({ DATABASE_DIRECT_URL: DATABASE_URL })).toThrow(/DIRECT_URL: needs DATABASE_URL$/);
    expect(() => parseEnv({ DATABASE_URL, DATABASE_DIRECT_URL: "mysql://a:b@c/d" })).toThrow(/ URL$/);
  });
});
