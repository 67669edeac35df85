#!/usr/bin/env node
// Writes deploy/kubernetes/base/apps/: one <app>.yaml per app (Deployment, Service, PodDisruptionBudget,
// HorizontalPodAutoscaler and the NetworkPolicy of its own traffic) and the kustomization listing them, all
// derived from the `runtime` field of apps/<app>/package.json (schema: packages/contracts/src/runtime.ts), so a
// new app (`pnpm turbo gen app`, which runs this) is deployable with no hand edit. The rest of
// deploy/kubernetes (what is public, the database, the overlays) is written by hand.
//
//   node scripts/render-kubernetes.mjs           write the files (and remove those of apps that are gone)
//   node scripts/render-kubernetes.mjs --check   write nothing; exit 1 naming every file that differs
//
// Exit codes: 0 written or up to date, 1 --check found drift, 2 usage or an unreadable app.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { stringify } from "yaml";

const root = join(import.meta.dirname, "..");
const outDir = join(root, "deploy/kubernetes/base/apps");

// nix/image-settings.nix's `user`: every image runs as it (proof/kubernetes checks the two agree).
const imageUser = { uid: 1000, gid: 1000 };

// Memory from the peak RSS of the built apps under 30 s of load at 100 connections (LOAD_CONNECTIONS=100
// LOAD_SECONDS=30 bash proof/load/run.sh; figures in docs/deploy.md): the API (kind node) peaked at 200 MB, the web
// (kind next) at 694 MB. The request covers the peak, so the scheduler reserves what a loaded pod uses; the limit
// is twice the request. CPU is requested, not limited (a CPU limit throttles a busy pod; the HPA scales on the
// request instead).
const resourcesByKind = {
  node: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
  next: { requests: { cpu: "250m", memory: "768Mi" }, limits: { memory: "1536Mi" } },
};

// The drain (packages/server/src/guard.ts): on SIGTERM, /ready answers 503 for SHUTDOWN_DELAY_MS while the
// app keeps serving, then requests in flight get SHUTDOWN_TIMEOUT_MS. The delay outlasts the readiness probe's
// notice (period × failureThreshold = 10 s) and the endpoint removal reaching every node and ingress; the
// kubelet's grace period outlasts both phases, so SIGKILL never cuts a drain.
const readiness = { periodSeconds: 5, failureThreshold: 2 };
const shutdownDelayMs = 15_000;
const shutdownTimeoutMs = 10_000;
const terminationGracePeriodSeconds = (shutdownDelayMs + shutdownTimeoutMs) / 1000 + 10;

// emptyDir size per writable directory: a next app's cache directory holds Next's data cache; the rest scratch.
const scratchSize = "64Mi";
const cacheSize = "256Mi";

const usage = "usage: render-kubernetes.mjs [--check]";
const args = process.argv.slice(2);
if (args.length > 1 || (args.length === 1 && args[0] !== "--check")) fail(2, usage);
const check = args[0] === "--check";

function fail(code, message) {
  process.stderr.write(`render-kubernetes: error: ${message}\n`);
  process.exit(code);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return fail(2, `cannot read ${relative(root, file)}: ${err.message}`);
  }
}

const project = readJson(join(root, "package.json")).name;
if (typeof project !== "string" || project === "") fail(2, "the root package.json has no name");

/** Every apps/<name>/package.json with a `runtime` field, sorted by name, as nix/apps.nix finds them. */
function discoverApps() {
  const apps = [];
  for (const name of readdirSync(join(root, "apps")).sort()) {
    const file = join(root, "apps", name, "package.json");
    if (!existsSync(file)) continue;
    const manifest = readJson(file);
    if (!manifest.runtime) continue;
    const { kind, port, ready, writableDirs, needs } = manifest.runtime;
    if (!(kind in resourcesByKind)) fail(2, `apps/${name}: runtime.kind '${kind}' is not next or node`);
    if (!Number.isInteger(port)) fail(2, `apps/${name}: runtime.port is not a number`);
    if (typeof ready !== "string" || !ready.startsWith("/"))
      fail(2, `apps/${name}: runtime.ready is not a path`);
    if (!Array.isArray(writableDirs) || writableDirs.length === 0)
      fail(2, `apps/${name}: runtime.writableDirs is empty`);
    apps.push({ name, kind, port, ready, writableDirs, needs: needs ?? [] });
  }
  return apps;
}

const apps = discoverApps();
const byName = new Map(apps.map((app) => [app.name, app]));
for (const app of apps) {
  for (const need of app.needs) {
    if (!byName.has(need)) fail(2, `apps/${app.name}: runtime.needs names '${need}', which is not an app`);
  }
}

const selectorOf = (name) => ({ "app.kubernetes.io/name": name });
const labelsOf = (name) => ({ ...selectorOf(name), "app.kubernetes.io/part-of": project });

/** A volume name for a directory: its path as a DNS label (/var/cache/x → var-cache-x). */
const volumeName = (dir) =>
  dir
    .slice(1)
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, "-")
    .slice(0, 63);

function deployment(app) {
  const cacheDir = app.kind === "next" ? `/var/cache/${project}-${app.name}` : undefined;
  const probe = (path, settings) => ({ httpGet: { path, port: "http" }, ...settings });
  const env = [
    { name: "SHUTDOWN_DELAY_MS", value: String(shutdownDelayMs) },
    { name: "SHUTDOWN_TIMEOUT_MS", value: String(shutdownTimeoutMs) },
    // An app it needs, by its Service: API_URL=http://api:3001 (the name the apps read, <NEED>_URL).
    ...app.needs.map((need) => ({
      name: `${need.toUpperCase().replaceAll("-", "_")}_URL`,
      value: `http://${need}:${byName.get(need).port}`,
    })),
  ];
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: app.name, labels: labelsOf(app.name) },
    spec: {
      // No `replicas`: the HorizontalPodAutoscaler owns it, and an apply must not reset what it chose.
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(app.name) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labelsOf(app.name) },
        spec: {
          automountServiceAccountToken: false,
          // Service links would set API_PORT=tcp://10.0.0.7:3001 in every pod of the namespace: the apps read
          // <NAME>_PORT as their own port and refuse that value.
          enableServiceLinks: false,
          terminationGracePeriodSeconds,
          securityContext: { fsGroup: imageUser.gid, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: app.name,
              // A bare name: each overlay's deploy sets `<ref>@sha256:…` through kustomize's `images:`.
              image: `${project}-${app.name}`,
              ports: [{ name: "http", containerPort: app.port }],
              env,
              resources: resourcesByKind[app.kind],
              // The user per container, where podman's `kube play` reads it too (it ignores the pod's).
              securityContext: {
                runAsNonRoot: true,
                runAsUser: imageUser.uid,
                runAsGroup: imageUser.gid,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              // /health answers as soon as the process serves; until then neither other probe runs.
              startupProbe: probe("/health", { periodSeconds: 2, failureThreshold: 30 }),
              readinessProbe: probe(app.ready, readiness),
              livenessProbe: probe("/health", { periodSeconds: 10, failureThreshold: 3 }),
              volumeMounts: app.writableDirs.map((dir) => ({ name: volumeName(dir), mountPath: dir })),
            },
          ],
          volumes: app.writableDirs.map((dir) => ({
            name: volumeName(dir),
            emptyDir: { sizeLimit: dir === cacheDir ? cacheSize : scratchSize },
          })),
        },
      },
    },
  };
}

const service = (app) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: app.name, labels: labelsOf(app.name) },
  spec: {
    type: "ClusterIP",
    selector: selectorOf(app.name),
    ports: [{ name: "http", port: app.port, targetPort: "http" }],
  },
});

const podDisruptionBudget = (app) => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: app.name, labels: labelsOf(app.name) },
  spec: {
    // One pod at a time during a node drain; never blocks a drain when there is only one.
    maxUnavailable: 1,
    unhealthyPodEvictionPolicy: "AlwaysAllow",
    selector: { matchLabels: selectorOf(app.name) },
  },
});

const horizontalPodAutoscaler = (app) => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: app.name, labels: labelsOf(app.name) },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app.name },
    // The overlays set the range per environment.
    minReplicas: 1,
    maxReplicas: 3,
    metrics: [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
      },
    ],
  },
});

/** Its own traffic under the namespace's default deny: in from the apps that need it, out to those it needs. */
function networkPolicy(app) {
  const dependents = apps.filter((other) => other.needs.includes(app.name)).map((other) => other.name);
  if (dependents.length === 0 && app.needs.length === 0) return undefined;
  const pods = (names) => names.map((name) => ({ podSelector: { matchLabels: selectorOf(name) } }));
  const spec = { podSelector: { matchLabels: selectorOf(app.name) }, policyTypes: [] };
  if (dependents.length > 0) {
    spec.policyTypes.push("Ingress");
    spec.ingress = [{ from: pods(dependents), ports: [{ protocol: "TCP", port: app.port }] }];
  }
  if (app.needs.length > 0) {
    spec.policyTypes.push("Egress");
    spec.egress = app.needs.map((need) => ({
      to: pods([need]),
      ports: [{ protocol: "TCP", port: byName.get(need).port }],
    }));
  }
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `${app.name}-apps`, labels: labelsOf(app.name) },
    spec,
  };
}

const header = (source) =>
  `# Written by scripts/render-kubernetes.mjs from ${source}: change that and run the script, not this file.\n`;
const yaml = (docs) => docs.map((doc) => stringify(doc, { lineWidth: 0 })).join("---\n");

const files = new Map();
for (const app of apps) {
  const docs = [deployment(app), service(app), podDisruptionBudget(app), horizontalPodAutoscaler(app)];
  const policy = networkPolicy(app);
  if (policy) docs.push(policy);
  files.set(`${app.name}.yaml`, header(`apps/${app.name}/package.json's runtime field`) + yaml(docs));
}
files.set(
  "kustomization.yaml",
  header("the apps with a runtime field") +
    yaml([
      {
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: apps.map((app) => `${app.name}.yaml`),
      },
    ]),
);

const present = existsSync(outDir) ? readdirSync(outDir).filter((file) => file.endsWith(".yaml")) : [];
const stale = present.filter((file) => !files.has(file));
const differing = [...files].filter(([file, text]) => {
  const path = join(outDir, file);
  return !existsSync(path) || readFileSync(path, "utf8") !== text;
});

if (check) {
  const drift = [...differing.map(([file]) => file), ...stale].map((file) =>
    relative(root, join(outDir, file)),
  );
  if (drift.length > 0) {
    fail(
      1,
      `${drift.join(", ")}: out of date with the apps' runtime fields (run node scripts/render-kubernetes.mjs)`,
    );
  }
  process.stderr.write(`render-kubernetes: ${relative(root, outDir)} matches ${apps.length} apps\n`);
} else {
  mkdirSync(outDir, { recursive: true });
  for (const [file, text] of differing) writeFileSync(join(outDir, file), text);
  for (const file of stale) rmSync(join(outDir, file));
  process.stderr.write(
    `render-kubernetes: ${relative(root, outDir)}: ${apps.map((app) => app.name).join(", ")} ` +
      `(${differing.length} written, ${stale.length} removed)\n`,
  );
}
