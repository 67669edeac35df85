// Readiness: 503 while the server drains (after a signal), so the load balancer sends visitors elsewhere.
import { isDraining } from "@repo/server/guard";

export const dynamic = "force-dynamic";

export const GET = () =>
  isDraining()
    ? Response.json({ error: "shutting_down", message: "the server is shutting down" }, { status: 503 })
    : Response.json({ status: "ready" });
