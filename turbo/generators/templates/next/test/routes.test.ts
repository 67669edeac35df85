// The routes a load balancer and the image's smoke test rely on.
import { describe, expect, it } from "vitest";
import { GET as health } from "@/app/health/route";
import { GET as ready } from "@/app/ready/route";

describe("routes", () => {
  it("GET /health answers ok", async () => {
    const res = health();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /ready answers ready", async () => {
    const res = ready();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready" });
  });
});
