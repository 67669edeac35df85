import { defineConfig } from "vitest/config";

// PGlite compiles its WASM when it starts: seconds on a busy machine.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
