// Types for env-declared-once.mjs (plain ESM, like index.mjs).
export function describeEnvDeclaredOnce(options: {
  appDir: string;
  names: readonly string[];
  parse: (variables: Record<string, string>) => unknown;
}): void;
