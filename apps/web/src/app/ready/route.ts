// Readiness, like the API's: 503 while the server drains (after a signal) or while the API doesn't answer its own
// /ready, so a load balancer sends visitors elsewhere instead of to an error panel.
import { isDraining } from "@repo/server/guard";
import { apiReady } from "@/lib/api";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  if (isDraining()) {
    return Response.json({ error: "shutting_down", message: "the server is shutting down" }, { status: 503 });
  }
  if (!(await apiReady())) {
    return Response.json({ error: "api_unavailable", message: "the API is not ready" }, { status: 503 });
  }
  return Response.json({ status: "ready" });
}
