// The API's proof suites: the built server (apps/api/dist) as a black box over HTTP, with real databases.
// From the repository root: proof/node_modules/.bin/vitest run --config proof/api/vitest.config.ts
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: import.meta.dirname,
    environment: "node",
    // Whatever proof/support starts (servers, PostgreSQL clusters) is stopped at each file's end.
    setupFiles: ["../support/vitest-setup.mjs"],
    globalSetup: ["../support/vitest-global.mjs"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
