import { expect, it } from "vitest";
import { GET as health } from "../src/app/health/route";
import { GET as ready } from "../src/app/ready/route";

it("answers GET /health and GET /ready", () => {
  expect(health().status).toBe(200);
  expect(ready().status).toBe(200);
});
