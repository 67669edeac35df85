// createApp() builds the Express app without listening: tests drive it with supertest, index.ts runs it.
import { isUnavailable, type Database } from "@repo/db/client";
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { notesRouter } from "./notes.ts";

export interface Status {
  /** Migrations applied; until then the database's routes answer 503. */
  migrated: boolean;
  /** Shutting down: /ready answers 503 so load balancers stop sending traffic. */
  draining: boolean;
}

export interface AppOptions {
  database: Pick<Database, "db" | "ping">;
  logger: Logger;
  status?: Status;
}

/**
 * The security headers a JSON API needs, the same on every response, so built once and set in one call. No CORS
 * headers: browsers never call the API (the web server does), so none may read its answers.
 */
const securityHeaders = new Map([
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
]);

/** Every error body: a stable code for programs and a sentence for people. */
const problem = (error: string, message: string) => ({ error, message });

/**
 * One line per request once it is answered or aborted: method, URL, status, time; a 500 carries its error, a 503
 * is a warning. Plain objects, built only when the level is on (pino-http builds a child logger per request).
 */
const requestLog =
  (logger: Logger): RequestHandler =>
  (req, res, next) => {
    const start = performance.now();
    res.once("close", () => {
      const { statusCode } = res;
      const level = statusCode === 500 ? "error" : statusCode >= 500 ? "warn" : "info";
      if (!logger.isLevelEnabled(level)) return;
      const responseTime = Math.round(performance.now() - start);
      const line = { req: { method: req.method, url: req.originalUrl }, res: { statusCode }, responseTime };
      const err: unknown = res.locals.err;
      logger[level](
        err ? { ...line, err } : line,
        res.writableFinished ? "request completed" : "request aborted",
      );
    });
    next();
  };

function unavailable(res: Response) {
  res.set("Retry-After", "1");
  res.status(503).json(problem("database_unavailable", "the database is unavailable; try again shortly"));
}

const bodyErrors: Record<string, [string, string]> = {
  "entity.parse.failed": ["invalid_json", "the body is not valid JSON"],
  "entity.too.large": ["payload_too_large", "the body is larger than 16 KiB"],
  "encoding.unsupported": ["unsupported_encoding", "unsupported content encoding"],
  "charset.unsupported": ["unsupported_charset", "send the body as UTF-8"],
  "request.aborted": ["aborted", "the request was aborted"],
  "request.size.invalid": ["invalid_size", "the body is not the size its Content-Length says"],
};

export function createApp({ database, logger, status = { migrated: true, draining: false } }: AppOptions) {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use((_req, res, next) => {
    res.setHeaders(securityHeaders);
    next();
  });
  app.use(requestLog(logger));

  // Liveness never looks at the database, so an outage never gets the API restarted.
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/ready", async (_req, res) => {
    if (status.draining) res.status(503).json(problem("shutting_down", "the server is shutting down"));
    else if (
      !status.migrated ||
      !(await database.ping().then(
        () => true,
        () => false,
      ))
    )
      res.status(503).json(problem("database_unavailable", "the database is unavailable"));
    else res.json({ status: "ready" });
  });

  app.use((req, res, next) => {
    if (req.is("application/json") === false)
      res.status(415).json(problem("unsupported_media_type", "send the body as application/json"));
    else next();
  });
  app.use(express.json({ limit: "16kb" }));

  const migrated: RequestHandler = (_req, res, next) => (status.migrated ? next() : unavailable(res));
  app.use("/notes", migrated, notesRouter(database.db));

  app.use((req, res) => {
    res.status(404).json(problem("not_found", `no route for ${req.method} ${req.path}`));
  });

  // Our own mistakes answer 500 without the message or stack; the request's log line carries them.
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    if (res.headersSent) return res.end();
    if (err instanceof z.ZodError) {
      const [issue] = err.issues;
      const message = `${issue?.path.join(".") || "(body)"} ${issue?.message ?? "is invalid"}`;
      return res.status(400).json(problem("validation_failed", message));
    }
    const { status: code, type } = (err ?? {}) as { status?: unknown; type?: unknown };
    if (typeof code === "number" && code >= 400 && code < 500) {
      const [error, message] = bodyErrors[String(type)] ?? ["bad_request", "the request is malformed"];
      return res.status(code).json(problem(error, message));
    }
    res.locals.err = err;
    if (isUnavailable(err)) return unavailable(res);
    res.status(500).json(problem("internal_error", "something went wrong on our side"));
  };
  app.use(onError);

  return app;
}
