import base from "@repo/eslint-config/base";

// No envOnlyIn here: this module is where the harness reads its own switch (REQUIRE_EVERY_SUITE).
export default [
  ...base,
  {
    // The fixtures' variables are set by the test for the processes it spawns; they are no task's input.
    files: ["test/**"],
    rules: { "turbo/no-undeclared-env-vars": "off" },
  },
];
