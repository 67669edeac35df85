// createApp() builds the Express app without listening, so tests drive it with supertest and server.ts owns the
// process concerns (ports, signals).
import cors from "cors";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import helmet from "helmet";
import { integer } from "@repo/server/config";
import { validationProblem } from "@repo/contracts/http";
import { noteInput } from "@repo/db/schema";
import { z } from "zod";
import type { Logger } from "./logger.js";
import { DatabaseUnavailableError, type NoteStore } from "./store.js";

export interface Readiness {
  /** False once shutdown has begun: /ready answers 503 so load balancers stop sending traffic. */
  ready: boolean;
  /** Resolves true when the database answers; false turns /ready 503 database_unavailable. */
  database?: () => Promise<boolean>;
}

export interface ServerOptions {
  store: NoteStore;
  logger: Logger;
  webOrigin: string;
  readiness?: Readiness;
  /** Largest JSON body accepted; larger ones get 413. */
  bodyLimit?: string;
}

/** A JSON error body: a stable machine-readable code plus a sentence for people. */
function problem(error: string, message: string) {
  return { error, message };
}

/** GET /notes pages: 20 notes unless `limit` asks for 1 to 100. */
export const PAGE_SIZE = { default: 20, max: 100 };

/**
 * The cursor of the next page, opaque to clients: base64url of the last note's position. Clients pass it back as
 * it is; nothing else about it is promised, so the store may change what it encodes.
 */
export const encodeCursor = (seq: number) => Buffer.from(String(seq)).toString("base64url");

const cursor = z
  .string()
  .transform((value) => Buffer.from(value, "base64url").toString())
  .pipe(z.string().regex(/^[1-9][0-9]{0,14}$/, { error: "is not a cursor this API gave out" }))
  .transform(Number);

// Unknown parameters are ignored (links may carry tracking parameters); known ones must be right.
const pageQuery = z.object({
  limit: integer(1, PAGE_SIZE.max).default(PAGE_SIZE.default),
  after: cursor.optional(),
});

const requireJson: RequestHandler = (req, res, next) => {
  if (!req.is("application/json")) {
    res.status(415).json(problem("unsupported_media_type", "send the body as application/json"));
    return;
  }
  next();
};

export function createApp({
  store,
  logger,
  webOrigin,
  readiness = { ready: true },
  bodyLimit = "16kb",
}: ServerOptions) {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use(helmet());
  app.use(cors({ origin: webOrigin }));

  // One line per request at level info. Below it the request isn't timed at all: under load, timing every
  // request for a line nobody writes cost up to a tenth of the API's throughput (docs/BENCHMARKS.md).
  if (logger.isLevelEnabled("info"))
    app.use((req, res, next) => {
      const started = process.hrtime.bigint();
      res.on("finish", () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const path = req.originalUrl.split("?")[0];
        logger.info(
          { method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
          "request",
        );
      });
      next();
    });

  // Liveness: the process answers. It never looks at the database, so an outage never gets the API restarted.
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  // Readiness: taking traffic (not draining) and the database answers.
  app.get("/ready", async (_req, res) => {
    if (!readiness.ready) res.status(503).json(problem("shutting_down", "the server is shutting down"));
    else if (readiness.database && !(await readiness.database()))
      res.status(503).json(problem("database_unavailable", "the database is unavailable"));
    else res.json({ status: "ready" });
  });

  const notes = express.Router();
  notes.get("/", async (req, res) => {
    const query = pageQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json(validationProblem(query.error));
      return;
    }
    const { limit, after = 0 } = query.data;
    const page = await store.list({ limit, after });
    res.json({ notes: page.notes, nextCursor: page.next === null ? null : encodeCursor(page.next) });
  });
  notes.post("/", requireJson, express.json({ limit: bodyLimit, strict: true }), async (req, res) => {
    const parsed = noteInput.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json(validationProblem(parsed.error));
      return;
    }
    res.status(201).json({ note: await store.create(parsed.data) });
  });
  notes.get("/:id", async (req, res) => {
    const note = await store.get(req.params.id);
    if (note) res.json({ note });
    else res.status(404).json(problem("not_found", "no note with that id"));
  });
  notes.delete("/:id", async (req, res) => {
    if (await store.remove(req.params.id)) res.status(204).end();
    else res.status(404).json(problem("not_found", "no note with that id"));
  });
  app.use("/notes", notes);

  app.use((req, res) => {
    res.status(404).json(problem("not_found", `no route for ${req.method} ${req.path}`));
  });

  // Body-parser errors carry a 4xx `status` and a `type`; anything else is our fault: log it, answer 500,
  // and never send the stack or message to the client.
  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    if (err instanceof DatabaseUnavailableError) {
      const cause = err.cause instanceof Error ? err.cause.message : undefined;
      logger.warn({ cause, method: req.method, path: req.path }, "database unavailable");
      if (res.headersSent) {
        res.end();
        return;
      }
      res.set("Retry-After", "1");
      res.status(503).json(problem("database_unavailable", "the database is unavailable; try again shortly"));
      return;
    }
    const e = (err ?? {}) as { status?: unknown; type?: unknown };
    const status = typeof e.status === "number" && e.status >= 400 && e.status < 500 ? e.status : 500;
    if (status === 500) logger.error({ err, method: req.method, path: req.path }, "unhandled error");
    if (res.headersSent) {
      res.end();
      return;
    }
    const known: Record<string, [string, string]> = {
      "entity.parse.failed": ["invalid_json", "the body is not valid JSON"],
      "entity.too.large": ["payload_too_large", `the body is larger than ${bodyLimit}`],
      "encoding.unsupported": ["unsupported_encoding", "unsupported content encoding"],
      "charset.unsupported": ["unsupported_charset", "send the body as UTF-8"],
      "request.aborted": ["aborted", "the request was aborted"],
      "request.size.invalid": ["invalid_size", "the body is not the size its Content-Length says"],
    };
    const [code, message] =
      (typeof e.type === "string" ? known[e.type] : undefined) ??
      (status === 500
        ? ["internal_error", "something went wrong on our side"]
        : ["bad_request", "the request is malformed"]);
    res.status(status).json(problem(code, message));
  };
  app.use(onError);

  return app;
}
