import { defineConfig } from "vitest/config";

// PGlite compiles its WASM when it starts: seconds, or a minute on a busy machine (an outcome bound, not a budget).
export default defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } });
