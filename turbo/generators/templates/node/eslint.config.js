import base, { envOnlyIn } from "@repo/eslint-config/base";

export default [...base, ...envOnlyIn(["src/env.ts"])];
