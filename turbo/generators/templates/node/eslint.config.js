import base, { envOnlyIn } from "@repo/eslint-config/base";

// Configuration comes from src/env.ts only (src/index.ts hands it process.env); tests pass an env object in.
export default [...base, ...envOnlyIn(["src/env.ts", "src/index.ts"])];
