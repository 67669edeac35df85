import base, { envOnlyIn } from "@repo/eslint-config/base";

// Configuration comes from src/env.ts; the tests read TEST_DATABASE_URL.
export default [...base, ...envOnlyIn(["src/env.ts", "test/**"])];
