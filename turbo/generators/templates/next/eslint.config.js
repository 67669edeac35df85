import { envOnlyIn } from "@repo/eslint-config/base";
import next from "@repo/eslint-config/next";

// Configuration comes from src/env.ts (the app) and start.mjs (the process entry) only.
const config = [...next, ...envOnlyIn(["src/env.ts", "start.mjs"])];

export default config;
