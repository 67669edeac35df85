// The web server's configuration, read when a request needs it (not at build time), so one build serves every
// environment. eslint bans raw `process.env` outside this file and start.mjs.
import { z } from "zod";

const schema = z.object({
  /** How the web server reaches the API (server to server; the browser never calls it directly). */
  API_URL: z.url().default("http://127.0.0.1:3001"),
});

export type ServerEnv = z.infer<typeof schema>;

export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid web configuration: ${problems}`);
  }
  return result.data;
}

export function serverEnv(): ServerEnv {
  return parseServerEnv({ API_URL: process.env.API_URL });
}
