import { defineConfig } from "vitest/config";

// End-to-end: the production build (standalone web server + bundled API) in real Chromium.
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    // Everything @repo/test-support starts is stopped at each file's end; a run that leaves PostgreSQL fails.
    setupFiles: ["@repo/test-support/vitest-setup"],
    globalSetup: ["@repo/test-support/vitest-global"],
    testTimeout: 120_000, // an outcome bound, far beyond any busy machine
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ["default", ["json", { outputFile: ".reports/e2e.json" }]],
  },
});
