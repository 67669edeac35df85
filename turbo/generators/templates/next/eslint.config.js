import { envOnlyIn } from "@repo/eslint-config/base";
import next from "@repo/eslint-config/next";

export default [...next, ...envOnlyIn(["src/env.ts"])];
