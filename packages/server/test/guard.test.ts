// The drain in-process: a request in flight at the signal is answered, with Connection: close, then exit 0.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it, vi } from "vitest";
import { z } from "zod";
import { serverLifecycle } from "../src/config.ts";
import { createGuard } from "../src/guard.ts";

const lifecycle = z.object(serverLifecycle).parse({}); // SHUTDOWN_DELAY_MS 0: no wait before closing

it("answers the request in flight at the signal with Connection: close, then exits 0", async () => {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => held.push(res));
  const exits: number[] = [];
  const guard = createGuard(lifecycle, { name: "test", log: () => {}, exit: (code) => exits.push(code) });
  guard.add(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const answer = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await vi.waitFor(() => expect(held).toHaveLength(1));
  guard.shutdown("SIGTERM");
  held[0]?.end("done");
  const res = await answer;
  expect([res.headers.get("connection"), await res.text()]).toEqual(["close", "done"]);
  await vi.waitFor(() => expect(exits).toEqual([0]));
});
