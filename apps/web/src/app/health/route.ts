// Liveness: the process answers. Says nothing about the API (that is /ready).
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" });
}
