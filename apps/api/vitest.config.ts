import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    // Everything @repo/test-support starts is stopped at each file's end; a run that leaves PostgreSQL fails.
    setupFiles: ["@repo/test-support/vitest-setup"],
    globalSetup: ["@repo/test-support/vitest-global"],
    testTimeout: 120_000, // an outcome bound, far beyond any busy machine
    reporters: ["default", ["json", { outputFile: ".reports/unit.json" }]],
  },
});
