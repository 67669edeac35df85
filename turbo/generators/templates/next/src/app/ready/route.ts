// Readiness: 503 while the server drains (after a signal), so a load balancer sends visitors elsewhere.
import { isDraining } from "@repo/server/guard";

export const dynamic = "force-dynamic";

export function GET(): Response {
  if (isDraining()) {
    return Response.json({ error: "shutting_down", message: "the server is shutting down" }, { status: 503 });
  }
  return Response.json({ status: "ready" });
}
