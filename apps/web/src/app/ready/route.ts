// Readiness: this server's own state only. 503 while it drains (after a signal), so a load balancer stops sending
// visitors; the API has its own /ready, and a slow database never takes the web out of its Service.
import { isDraining } from "@repo/server/guard";

export const dynamic = "force-dynamic";

export function GET(): Response {
  if (isDraining())
    return Response.json({ error: "shutting_down", message: "the server is shutting down" }, { status: 503 });
  return Response.json({ status: "ready" });
}
