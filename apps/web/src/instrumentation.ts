// Runs once when the server starts. In production start.mjs has already checked the configuration before
// listening; under `next dev` this is where a bad variable stops the server, with the same message.
export async function register() {
  // Set by Next for each bundle it builds, not a task input.
  // eslint-disable-next-line turbo/no-undeclared-env-vars
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ configOrExit }, { webEnv }] = await Promise.all([import("@repo/server/guard"), import("./env")]);
  configOrExit("web", webEnv);
}
