import { defineConfig } from "vitest/config";

export default defineConfig({
  // React's automatic runtime, so test files need no `import React`.
  esbuild: { jsx: "automatic" },
  test: {
    environment: "happy-dom",
    reporters: ["default", ["json", { outputFile: ".reports/unit.json" }]],
  },
});
