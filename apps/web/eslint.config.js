import { envOnlyIn } from "@repo/eslint-config/base";
import next from "@repo/eslint-config/next";

// Configuration comes from src/env.ts (the app), start.mjs (the process entry) and e2e/support.ts (the test
// harness) only.
const config = [...next, ...envOnlyIn(["src/env.ts", "start.mjs", "e2e/support.ts"])];

export default config;
