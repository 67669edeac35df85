import { envOnlyIn } from "@repo/eslint-config/base";
import next from "@repo/eslint-config/next";

// Configuration comes from src/env.ts (the app) and start.mjs (the process entry) only. instrumentation.ts and
// proxy.ts read what Next itself sets per bundle (NEXT_RUNTIME, NODE_ENV); playwright.config.ts the test run's.
const config = [
  ...next,
  ...envOnlyIn(["src/env.ts", "start.mjs", "src/instrumentation.ts", "src/proxy.ts", "playwright.config.ts"]),
];

export default config;
