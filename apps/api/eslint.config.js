import base, { envOnlyIn } from "@repo/eslint-config/base";

// Configuration comes from src/env.ts only; tests pass an env object in. The load suite (load/) is a harness, not
// the app: it reads its own few variables.
export default [...base, ...envOnlyIn(["src/env.ts", "src/index.ts", "load/**"])];
