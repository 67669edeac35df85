import { envOnlyIn } from "@repo/eslint-config/base";
import next from "@repo/eslint-config/next";

// instrumentation.ts and request-guard.ts read what Next sets (NEXT_RUNTIME, NODE_ENV); playwright.config.ts the run's.
export default [
  ...next,
  ...envOnlyIn(["src/env.ts", "src/instrumentation.ts", "src/request-guard.ts", "playwright.config.ts"]),
];
