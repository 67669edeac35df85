import { defineConfig } from "vitest/config";

export default defineConfig({
  // Run from the repository's root (`pnpm verify`), the paths below are still this directory's.
  root: import.meta.dirname,
  test: {
    environment: "node",
    // Everything this package starts is stopped at each file's end; a run that leaves PostgreSQL fails.
    setupFiles: ["./vitest-setup.mjs"],
    globalSetup: ["./vitest-global.mjs"],
    testTimeout: 20_000,
  },
});
