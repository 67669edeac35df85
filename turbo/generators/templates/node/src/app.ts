// The HTTP handler: GET /health (the process answers), GET /ready (503 once it drains), 404 for the rest.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isDraining } from "@repo/server/guard";

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export function handle(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (req.method === "GET" && path === "/health") return json(res, 200, { status: "ok" });
  if (req.method === "GET" && path === "/ready") {
    return isDraining()
      ? json(res, 503, { error: "shutting_down", message: "the server is shutting down" })
      : json(res, 200, { status: "ready" });
  }
  json(res, 404, { error: "not_found", message: `no route for ${req.method ?? "?"} ${path}` });
}
