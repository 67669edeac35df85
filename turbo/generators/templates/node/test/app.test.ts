import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { handle } from "../src/app.ts";

it("answers GET /health and GET /ready, and 404 with a JSON body for anything else", async () => {
  const server = createServer(handle).listen(0, "127.0.0.1");
  await new Promise((listening) => server.once("listening", listening));
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  expect((await fetch(url("/health"))).status).toBe(200);
  expect((await fetch(url("/ready"))).status).toBe(200);
  expect(await (await fetch(url("/nope"))).json()).toMatchObject({ error: "not_found" });
  server.close();
});
