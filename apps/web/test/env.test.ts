import { describe, expect, it } from "vitest";
import { parseWebEnv } from "@/env";

describe("parseWebEnv", () => {
  it("fills in the defaults, reading an empty variable as unset and ignoring PORT and HOSTNAME", () => {
    expect(parseWebEnv({ WEB_PORT: "", API_URL: "http://api:8080", PORT: "1", HOSTNAME: "x" })).toMatchObject(
      {
        WEB_PORT: 3000,
        WEB_HOST: "0.0.0.0",
        API_URL: "http://api:8080",
        API_TIMEOUT_MS: 5_000,
      },
    );
  });

  it("names every bad variable at once", () => {
    expect(() => parseWebEnv({ WEB_PORT: "0x50", API_URL: "ftp://api" })).toThrow(
      /^invalid configuration: WEB_PORT: .*; API_URL: must be one absolute http\(s\) URL/,
    );
  });
});
