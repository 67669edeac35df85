// Checks on rendered manifests (`kubectl kustomize` output), for proof/kubernetes/run.sh:
//
//   node check.mjs schema FILE          every object validates against the Kubernetes OpenAPI schemas
//   node check.mjs policy NAME[,NAME…] FILE   each policy (below) holds for every app
//
// The apps and their runtime fields are read from ROOT (default: this repository): apps/*/package.json.
// DATABASE_PORT (default 5432): the port the API's egress must reach, as the overlay sets it.
// Exit 0 when it holds; 1 with one line per problem on stderr; 2 usage.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Namespace, Service } from "kubernetes-models/v1";

const root = process.env.ROOT ?? join(import.meta.dirname, "../..");
// The image user (nix/image-settings.nix); run.sh checks this against the evaluated Nix.
const imageUser = { uid: 1000, gid: 1000 };
// The one public app: the route (HTTPRoute or Ingress) may lead to it alone.
const publicApps = ["web"];
const databasePort = Number(process.env.DATABASE_PORT ?? 5432);
// Where a pod's DNS may be: kube-dns/CoreDNS pods, NodeLocal DNSCache, GKE's metadata server (Cloud DNS).
const dnsAddresses = ["169.254.20.10/32", "169.254.169.254/32"];

const models = {
  "v1/Namespace": Namespace,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "gateway.networking.k8s.io/v1/HTTPRoute": HTTPRoute,
};

const [mode, ...rest] = process.argv.slice(2);
const problems = [];
const problem = (text) => problems.push(text);

function load(file) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
  return docs.map((doc) => doc.toJS()).filter(Boolean);
}

function apps() {
  const dir = join(root, "apps");
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "package.json")))
    .map((name) => ({
      name,
      runtime: JSON.parse(readFileSync(join(dir, name, "package.json"), "utf8")).runtime,
    }))
    .filter((app) => app.runtime)
    .map((app) => ({ name: app.name, ...app.runtime, needs: app.runtime.needs ?? [] }));
}

const labelsMatch = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
const env = (container, name) => container.env?.find((e) => e.name === name);
const sameSet = (a, b) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

function schema(objects) {
  if (objects.length === 0) problem("no objects rendered");
  for (const obj of objects) {
    const key = `${obj.apiVersion}/${obj.kind}`;
    const Model = models[key];
    if (!Model) {
      problem(`${key} ${obj.metadata?.name}: no schema here for this kind (add it to check.mjs)`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (err) {
      problem(`${key} ${obj.metadata?.name}: ${err.message.split("\n")[0]}`);
    }
  }
}

const policies = {
  /** Every app has its Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler, and nothing else runs. */
  objects(objects) {
    const names = (kind) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    const appNames = apps().map((app) => app.name);
    for (const kind of ["Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"]) {
      if (!sameSet(names(kind), appNames))
        problem(`${kind}s: ${names(kind).join(", ") || "none"}; the apps are ${appNames.join(", ")}`);
    }
    for (const d of objects.filter((o) => o.kind === "Deployment")) {
      const name = d.metadata.name;
      if (d.spec.replicas !== undefined) problem(`${name}: sets replicas, which its autoscaler owns`);
      const rolling = d.spec.strategy?.rollingUpdate;
      if ((d.spec.strategy?.type ?? "RollingUpdate") !== "RollingUpdate" || rolling?.maxUnavailable !== 0)
        problem(`${name}: not a rolling update with maxUnavailable 0`);
      const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === name);
      if (hpa?.spec.scaleTargetRef.name !== name || hpa.spec.scaleTargetRef.kind !== "Deployment")
        problem(`${name}: its HorizontalPodAutoscaler does not target it`);
      // A PodDisruptionBudget that a node drain can always satisfy, and that keeps one pod serving when the
      // autoscaler's floor is above one.
      const pdb = objects.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === name);
      const floor = hpa?.spec.minReplicas ?? 1;
      if (pdb?.spec.minAvailable !== undefined && !(pdb.spec.minAvailable < floor))
        problem(
          `${name}: PodDisruptionBudget minAvailable ${pdb.spec.minAvailable} blocks drains at ${floor} replicas`,
        );
      if (
        pdb?.spec.maxUnavailable !== undefined &&
        !(pdb.spec.maxUnavailable >= 1 && pdb.spec.maxUnavailable < Math.max(floor, 2))
      )
        problem(
          `${name}: PodDisruptionBudget maxUnavailable ${pdb.spec.maxUnavailable} at ${floor} replicas`,
        );
      if ((hpa?.spec.maxReplicas ?? 0) < floor) problem(`${name}: maxReplicas below minReplicas`);
      const labels = d.spec.template.metadata.labels;
      for (const kind of ["PodDisruptionBudget", "Service"]) {
        const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
        const selector = kind === "Service" ? o?.spec.selector : o?.spec.selector?.matchLabels;
        if (!selector || !labelsMatch(selector, labels))
          problem(`${name}: its ${kind} does not select its pods`);
      }
    }
  },

  /** Pod Security "restricted", with the image's own user, no token, no service links. */
  restricted(objects, byApp) {
    for (const [name, { pod }] of byApp) {
      const podSc = pod.securityContext ?? {};
      if (pod.automountServiceAccountToken !== false) problem(`${name}: mounts a service-account token`);
      if (pod.enableServiceLinks !== false)
        problem(`${name}: service links on (they set <NAME>_PORT=tcp://…)`);
      for (const field of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[field]) problem(`${name}: ${field}`);
      for (const v of pod.volumes ?? [])
        if (!v.emptyDir) problem(`${name}: volume ${v.name} is not an emptyDir`);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        const sc = c.securityContext ?? {};
        const where = `${name}/${c.name}`;
        if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problem(`${where}: runAsNonRoot is not true`);
        if ((sc.runAsUser ?? podSc.runAsUser) !== imageUser.uid)
          problem(`${where}: runAsUser is not the image's uid ${imageUser.uid}`);
        if ((sc.runAsGroup ?? podSc.runAsGroup) !== imageUser.gid)
          problem(`${where}: runAsGroup is not the image's gid ${imageUser.gid}`);
        if (sc.readOnlyRootFilesystem !== true) problem(`${where}: root filesystem not read-only`);
        if (sc.allowPrivilegeEscalation !== false) problem(`${where}: privilege escalation not disabled`);
        if (sc.privileged) problem(`${where}: privileged`);
        if (!sc.capabilities?.drop?.includes("ALL")) problem(`${where}: capabilities not all dropped`);
        if (sc.capabilities?.add?.length)
          problem(`${where}: adds capabilities ${sc.capabilities.add.join(", ")}`);
        if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== "RuntimeDefault")
          problem(`${where}: seccompProfile is not RuntimeDefault`);
      }
    }
  },

  /** Readiness on the app's runtime.ready, liveness and startup on /health, all on its runtime.port. */
  probes(objects, byApp) {
    for (const [name, { app, container }] of byApp) {
      const portOf = (probe) => {
        const port = probe?.httpGet?.port;
        return typeof port === "string" ? container.ports?.find((p) => p.name === port)?.containerPort : port;
      };
      // The startup probe may be the port accepting connections (tcpSocket) alone.
      const expected = { readinessProbe: app.ready, livenessProbe: "/health", startupProbe: "/health" };
      for (const [kind, path] of Object.entries(expected)) {
        const probe = container[kind];
        if (kind === "startupProbe" && probe?.tcpSocket && portOf({ httpGet: probe.tcpSocket }) !== app.port)
          problem(`${name}: startupProbe is not on port ${app.port}`);
        else if (kind === "startupProbe" && probe?.tcpSocket && !(probe.timeoutSeconds >= 2))
          problem(`${name}: startupProbe has no timeoutSeconds of 2 s or more`);
        else if (kind === "startupProbe" && probe?.tcpSocket) continue;
        else if (probe?.httpGet?.path !== path)
          problem(`${name}: ${kind} is not GET ${path} (got ${probe?.httpGet?.path})`);
        else if (portOf(probe) !== app.port) problem(`${name}: ${kind} is not on port ${app.port}`);
        // The default timeout, 1 s, fails a healthy pod on a busy node.
        else if (!(probe.timeoutSeconds >= 2))
          problem(`${name}: ${kind} has no timeoutSeconds of 2 s or more`);
      }
    }
  },

  /** The drain fits: SHUTDOWN_DELAY_MS outlasts the readiness probe's notice, the grace period outlasts the drain. */
  grace(objects, byApp) {
    for (const [name, { pod, container }] of byApp) {
      const ms = (variable) => Number(env(container, variable)?.value);
      const delay = ms("SHUTDOWN_DELAY_MS");
      const timeout = ms("SHUTDOWN_TIMEOUT_MS");
      if (!Number.isInteger(delay) || !Number.isInteger(timeout)) {
        problem(`${name}: SHUTDOWN_DELAY_MS and SHUTDOWN_TIMEOUT_MS must both be set`);
        continue;
      }
      const readiness = container.readinessProbe ?? {};
      const notice = (readiness.periodSeconds ?? 10) * (readiness.failureThreshold ?? 3) * 1000;
      if (delay <= notice)
        problem(`${name}: SHUTDOWN_DELAY_MS ${delay} is not above the readiness notice ${notice} ms`);
      const grace = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
      if (grace <= delay + timeout)
        problem(
          `${name}: terminationGracePeriodSeconds ${grace / 1000} s is not above ${delay} + ${timeout} ms`,
        );
    }
  },

  /** An emptyDir with a size limit at exactly each of runtime.writableDirs; memory request and limit, CPU request. */
  volumes(objects, byApp) {
    for (const [name, { app, pod, container }] of byApp) {
      const mounts = (container.volumeMounts ?? []).map((m) => m.mountPath);
      if (!sameSet(mounts, app.writableDirs))
        problem(
          `${name}: writable mounts ${mounts.join(" ")} are not its writableDirs ${app.writableDirs.join(" ")}`,
        );
      for (const m of container.volumeMounts ?? []) {
        const volume = pod.volumes?.find((v) => v.name === m.name);
        if (!volume?.emptyDir?.sizeLimit)
          problem(`${name}: ${m.mountPath} is not an emptyDir with a sizeLimit`);
        if (m.readOnly) problem(`${name}: ${m.mountPath} is mounted read-only`);
      }
      const r = container.resources ?? {};
      if (!r.requests?.cpu || !r.requests?.memory || !r.limits?.memory)
        problem(`${name}: needs CPU and memory requests and a memory limit`);
    }
  },

  /** Default deny; the public apps are the route's only backends; an app admits only the apps that need it. */
  network(objects) {
    const policies = objects.filter((o) => o.kind === "NetworkPolicy");
    const denyAll = policies.some(
      (p) =>
        Object.keys(p.spec.podSelector ?? {}).every(
          (k) => Object.keys(p.spec.podSelector[k] ?? {}).length === 0,
        ) &&
        sameSet(p.spec.policyTypes ?? [], ["Ingress", "Egress"]) &&
        !p.spec.ingress?.length &&
        !p.spec.egress?.length,
    );
    if (!denyAll) problem("no default-deny NetworkPolicy (every pod, Ingress and Egress, no rule)");
    const routes = objects.filter((o) => o.kind === "HTTPRoute" || o.kind === "Ingress");
    const backends = routes
      .flatMap((r) =>
        r.kind === "HTTPRoute"
          ? (r.spec.rules ?? []).flatMap((rule) => rule.backendRefs ?? [])
          : [r.spec.defaultBackend, ...(r.spec.rules ?? []).flatMap((rule) => rule.http?.paths ?? [])],
      )
      .filter(Boolean)
      .map((b) => b.name ?? (b.backend ?? b).service?.name);
    for (const name of backends)
      if (!publicApps.includes(name)) problem(`the route routes to ${name}, which is not public`);
    if (!publicApps.every((name) => backends.includes(name)))
      problem(`no HTTPRoute or Ingress routes to ${publicApps.join(", ")}`);
    for (const r of routes) {
      if (r.kind === "HTTPRoute" && !r.spec.parentRefs?.length)
        problem(`HTTPRoute ${r.metadata.name} names no Gateway (parentRefs: the overlay sets it)`);
      if (r.kind === "Ingress" && !r.spec.ingressClassName)
        problem(`Ingress ${r.metadata.name} has no ingressClassName (the overlay sets it)`);
    }
    for (const s of objects.filter((o) => o.kind === "Service"))
      if ((s.spec.type ?? "ClusterIP") !== "ClusterIP")
        problem(`Service ${s.metadata.name} is ${s.spec.type}`);

    for (const app of apps()) {
      const labels = { "app.kubernetes.io/name": app.name };
      const admitting = policies.filter(
        (p) =>
          p.spec.policyTypes?.includes("Ingress") && labelsMatch(p.spec.podSelector?.matchLabels, labels),
      );
      const dependents = apps()
        .filter((other) => other.needs.includes(app.name))
        .map((other) => other.name);
      const admitted = new Set();
      for (const rule of admitting.flatMap((p) => p.spec.ingress ?? [])) {
        const public_ = publicApps.includes(app.name);
        // A public app may admit anyone, on its own port alone: its gateway may be outside the cluster.
        if (
          !rule.from?.length &&
          !(public_ && rule.ports?.length && rule.ports.every((p) => p.port === app.port))
        )
          problem(`${app.name}: a policy admits traffic from anywhere`);
        for (const peer of rule.from ?? []) {
          const from = peer.podSelector?.matchLabels?.["app.kubernetes.io/name"];
          if (peer.ipBlock && !public_) problem(`${app.name}: admits an ipBlock, but it is not public`);
          else if (peer.ipBlock) continue;
          else if (peer.namespaceSelector && !publicApps.includes(app.name))
            problem(`${app.name}: admits another namespace, but it is not public`);
          else if (!peer.namespaceSelector && !from)
            problem(`${app.name}: admits every pod of the namespace`);
          else if (from && !peer.namespaceSelector) admitted.add(from);
        }
      }
      if (!sameSet([...admitted], dependents))
        problem(
          `${app.name}: admits pods of ${[...admitted].join(", ") || "none"}; only ${dependents.join(", ") || "none"} need it`,
        );

      // Out: to each app it needs, on that app's port; to PostgreSQL's port when it reads DATABASE_URL.
      const egress = policies
        .filter(
          (p) =>
            p.spec.policyTypes?.includes("Egress") && labelsMatch(p.spec.podSelector?.matchLabels, labels),
        )
        .flatMap((p) => p.spec.egress ?? []);
      const allows = (port, peer) =>
        egress.some(
          (rule) =>
            (rule.ports ?? []).some((p) => p.port === port) &&
            (!peer ||
              (rule.to ?? []).some((to) => to.podSelector?.matchLabels?.["app.kubernetes.io/name"] === peer)),
        );
      for (const need of app.needs) {
        const port = apps().find((other) => other.name === need)?.port;
        if (!allows(port, need)) problem(`${app.name}: no egress to ${need} on port ${port}`);
      }
      const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === app.name);
      const readsDatabase = deployment?.spec.template.spec.containers.some((c) => env(c, "DATABASE_URL"));
      if (readsDatabase && !allows(databasePort))
        problem(`${app.name}: reads DATABASE_URL but has no egress to port ${databasePort}`);
    }
  },

  /** Every pod's DNS, on UDP and TCP 53: kube-dns/CoreDNS pods in kube-system and the link-local resolvers. */
  dns(objects) {
    const rules = objects
      .filter((o) => o.kind === "NetworkPolicy" && Object.keys(o.spec.podSelector ?? {}).length === 0)
      .flatMap((p) => p.spec.egress ?? []);
    const on53 = (rule) =>
      ["UDP", "TCP"].every((protocol) =>
        (rule.ports ?? []).some((p) => p.port === 53 && (p.protocol ?? "TCP") === protocol),
      );
    const reaches = (test) => rules.some((rule) => on53(rule) && (rule.to ?? []).some(test));
    const kubeDns = (to) =>
      to.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "kube-system" &&
      to.podSelector?.matchLabels?.["k8s-app"] === "kube-dns";
    if (!reaches(kubeDns)) problem("dns: no egress to the kube-dns pods of kube-system on UDP and TCP 53");
    for (const cidr of dnsAddresses)
      if (!reaches((to) => to.ipBlock?.cidr === cidr && !to.ipBlock.except?.length))
        problem(`dns: no egress to ${cidr} on UDP and TCP 53`);
  },

  /** Pods spread across zones and nodes, as a preference (a one-zone or one-node cluster still schedules). */
  spread(objects, byApp) {
    for (const [name, { pod }] of byApp) {
      const labels = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name).spec.template
        .metadata.labels;
      for (const key of ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]) {
        const c = pod.topologySpreadConstraints?.find((t) => t.topologyKey === key);
        const selects = (c?.labelSelector?.matchExpressions ?? []).every((e) =>
          e.operator === "Exists" ? e.key in labels : e.operator === "In" && e.values.includes(labels[e.key]),
        );
        if (!c) problem(`${name}: no topology spread across ${key}`);
        else if (c.whenUnsatisfiable !== "ScheduleAnyway")
          problem(`${name}: spread across ${key} is ${c.whenUnsatisfiable}, not ScheduleAnyway`);
        else if (!c.labelSelector || !labelsMatch(c.labelSelector.matchLabels, labels) || !selects)
          problem(`${name}: spread across ${key} does not select its pods`);
      }
    }
  },

  /** Nothing secret in the output: no Secret object, no credentials in a literal value, DATABASE_URL by reference. */
  secrets(objects, byApp) {
    for (const o of objects)
      if (o.kind === "Secret") problem(`Secret ${o.metadata.name} is in the manifests`);
    for (const [name, { container }] of byApp) {
      for (const e of container.env ?? []) {
        if (/:\/\/[^/@\s]*:[^/@\s]*@/.test(e.value ?? "")) problem(`${name}: ${e.name} holds credentials`);
        if (/PASSWORD|SECRET|TOKEN|DATABASE_URL/.test(e.name) && e.value !== undefined)
          problem(`${name}: ${e.name} is a literal, not a secretKeyRef`);
      }
    }
    const api = byApp.get("api");
    if (api && !env(api.container, "DATABASE_URL")?.valueFrom?.secretKeyRef)
      problem("api: DATABASE_URL does not come from a Secret");
  },

  /** As committed: every image names its registry (never a Docker Hub short name) and a tag no registry has. */
  images(objects, byApp) {
    for (const [name, { pod }] of byApp) {
      for (const c of pod.containers) {
        if (!/^[a-z0-9-]+\.[a-z0-9.-]+\/[^:@]+:digest-not-set$/.test(c.image))
          problem(`${name}: image ${c.image} is not <registry>/<path>:digest-not-set`);
      }
    }
  },

  /** After the deploy step: every image is `<name>@sha256:<64 hex>`, nothing tagged. */
  digests(objects, byApp) {
    for (const [name, { pod }] of byApp) {
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        if (!/^[^:@]+(:\d+)?[^:@]*@sha256:[0-9a-f]{64}$/.test(c.image))
          problem(`${name}: image ${c.image} is not a digest`);
      }
    }
  },
};

function byApp(objects) {
  const map = new Map();
  const known = new Map(apps().map((app) => [app.name, app]));
  for (const d of objects.filter((o) => o.kind === "Deployment")) {
    const app = known.get(d.metadata.name);
    if (!app) {
      problem(`Deployment ${d.metadata.name} is not an app`);
      continue;
    }
    const pod = d.spec.template.spec;
    const container = pod.containers.find((c) => c.name === app.name) ?? pod.containers[0];
    map.set(app.name, { app, pod, container });
  }
  return map;
}

if (mode === "schema" && rest.length === 1) {
  schema(load(rest[0]));
} else if (mode === "policy" && rest.length === 2 && rest[0].split(",").every((name) => policies[name])) {
  const objects = load(rest[1]);
  for (const name of rest[0].split(",")) policies[name](objects, byApp(objects));
} else {
  process.stderr.write(
    `usage: check.mjs schema FILE | policy {${Object.keys(policies).join(",")}}[,…] FILE\n`,
  );
  process.exit(2);
}
for (const line of problems) process.stderr.write(`${line}\n`);
process.exit(problems.length ? 1 : 0);
