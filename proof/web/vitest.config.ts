import { defineConfig } from "vitest/config";

// The built web server (and API) under faults and signals: `pnpm --filter api build && pnpm --filter web build`,
// then from the repository root: proof/node_modules/.bin/vitest run --config proof/web/vitest.config.ts
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["*.test.ts"],
    environment: "node",
    // Everything proof/support starts is stopped at each file's end; a run that leaves PostgreSQL fails.
    setupFiles: ["../support/vitest-setup.mjs"],
    globalSetup: ["../support/vitest-global.mjs"],
    testTimeout: 120_000, // an outcome bound, far beyond any busy machine
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
