import base, { envOnlyIn } from "@repo/eslint-config/base";

// Configuration comes from src/env.ts only; tests pass an env object in. The load suite (load/) and the bench's
// bare reference (bench/) are harnesses, not the app: they read their own few variables.
export default [...base, ...envOnlyIn(["src/env.ts", "src/index.ts", "load/**", "bench/**"])];
