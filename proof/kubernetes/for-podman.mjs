// The rendered Deployments of some apps, adapted to `podman kube play --network=host` on one machine, for
// proof/kubernetes/run.sh's real run:
//
//   node for-podman.mjs RENDERED PORTS_JSON > play.yaml      PORTS_JSON: {"api": 41234, "web": 41235}
//
// Only what one machine without a cluster forces is changed, and nothing else: each image becomes the locally
// loaded `localhost/<image>:latest` (no registry here); with no pod network or Services, each app listens on
// 127.0.0.1 on a free port (its <NAME>_HOST and <NAME>_PORT, from its runtime.env) and `http://<app>:<port>` in a
// value becomes that address; `ports` go (podman refuses port mappings on the host network), so the probes name
// the port itself. Users, read-only root, capabilities, writable directories, resources, probe paths, the rest of
// the environment and the Secret reference stay.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";

const root = process.env.ROOT ?? join(import.meta.dirname, "../..");
const [rendered, portsJson] = process.argv.slice(2);
if (!rendered || !portsJson) {
  process.stderr.write("usage: for-podman.mjs RENDERED PORTS_JSON\n");
  process.exit(2);
}
const ports = JSON.parse(portsJson);
const runtimeOf = (app) => JSON.parse(readFileSync(join(root, "apps", app, "package.json"), "utf8")).runtime;

const addresses = new Map(
  Object.keys(ports).map((app) => [`http://${app}:${runtimeOf(app).port}`, `http://127.0.0.1:${ports[app]}`]),
);

const deployments = parseAllDocuments(readFileSync(rendered, "utf8"))
  .map((doc) => doc.toJS())
  .filter((o) => o?.kind === "Deployment" && o.metadata.name in ports);
const missing = Object.keys(ports).filter((app) => !deployments.some((d) => d.metadata.name === app));
if (missing.length) {
  process.stderr.write(`for-podman: no Deployment for ${missing.join(", ")}\n`);
  process.exit(1);
}

for (const deployment of deployments) {
  const app = deployment.metadata.name;
  const runtime = runtimeOf(app);
  const portVar = Object.keys(runtime.env).find(
    (key) => key.endsWith("_PORT") && runtime.env[key] === String(runtime.port),
  );
  const hostVar = portVar.replace(/_PORT$/, "_HOST");
  for (const container of deployment.spec.template.spec.containers) {
    container.image = `localhost/${container.image.replace(/^.*\//, "").replace(/[:@].*$/, "")}:latest`;
    delete container.ports;
    container.env = (container.env ?? []).map((e) =>
      e.value !== undefined && addresses.has(e.value) ? { ...e, value: addresses.get(e.value) } : e,
    );
    container.env.push({ name: portVar, value: String(ports[app]) }, { name: hostVar, value: "127.0.0.1" });
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      if (container[probe]?.httpGet) container[probe].httpGet.port = ports[app];
    }
  }
}
process.stdout.write(deployments.map((d) => stringify(d)).join("---\n"));
