import { describe, expect, it } from "vitest";
import { parseServerEnv } from "@/env";

describe("parseServerEnv", () => {
  it("defaults API_URL to the local API", () => {
    expect(parseServerEnv({}).API_URL).toBe("http://127.0.0.1:3001");
  });

  it("takes API_URL from the environment", () => {
    expect(parseServerEnv({ API_URL: "http://api.internal:8080" }).API_URL).toBe("http://api.internal:8080");
  });

  it("rejects a malformed API_URL, naming it", () => {
    expect(() => parseServerEnv({ API_URL: "not a url" })).toThrow(/invalid web configuration: API_URL/);
  });
});
