import { envOnlyIn } from "@repo/eslint-config/base";
import next from "@repo/eslint-config/next";

const config = [...next, ...envOnlyIn(["src/env.ts", "start.mjs"])];

export default config;
