// GET /health: the process answers; GET /ready: 503 once it drains (after a signal); anything else: 404.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isDraining } from "@repo/server/guard";

export function handle(req: IncomingMessage, res: ServerResponse) {
  const route = `${req.method} ${new URL(req.url ?? "/", "http://localhost").pathname}`;
  const [status, body] =
    route === "GET /health"
      ? [200, { status: "ok" }]
      : route !== "GET /ready"
        ? [404, { error: "not_found", message: `no route for ${route}` }]
        : isDraining()
          ? [503, { error: "shutting_down", message: "the server is shutting down" }]
          : [200, { status: "ready" }];
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
