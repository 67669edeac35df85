import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    // Everything @repo/test-support starts is stopped at each file's end; a run that leaves PostgreSQL fails.
    setupFiles: ["./vitest-setup.mjs"],
    globalSetup: ["./vitest-global.mjs"],
    testTimeout: 20_000,
    reporters: ["default", ["json", { outputFile: ".reports/unit.json" }]],
  },
});
