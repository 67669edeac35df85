// Free ports, asked from the OS (its own module: postgres.mjs and index.mjs both need it).
import { createServer } from "node:net";

/** A port nothing listens on right now: asked from the OS, then released. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
