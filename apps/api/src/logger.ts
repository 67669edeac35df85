import { pino, type Logger } from "pino";

export type { Logger };

/** JSON lines on stdout: what log collectors expect from a container. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "api" },
    redact: ["req.headers.authorization", "req.headers.cookie"],
  });
}
