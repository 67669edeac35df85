#!/usr/bin/env bash
# The Kubernetes manifests (deploy/kubernetes) and their deploy script, as far as a machine without a cluster
# can prove them:
#
#   bash proof/kubernetes/run.sh        (REQUIRE_EVERY_SUITE=1 makes missing tools fatal)
#
# - every overlay renders (`kubectl kustomize`) and every object validates against the Kubernetes OpenAPI
#   schemas (kubernetes-models; ./check.mjs);
# - policies on the rendered output (./check.mjs): Pod Security "restricted" with the image's user, probes with
#   timeouts, the drain's arithmetic, PodDisruptionBudgets against the replicas, autoscalers, emptyDirs exactly
#   at writableDirs, default deny, nothing secret, images by registry path; each check fails on manifests
#   broken on purpose; an overlay's values are overridden by name;
# - each platform's overlay (./platforms: GKE, EKS, AKS, k3s; kind is overlays/kind) renders, validates (Gateway
#   API's HTTPRoute too) and passes the policies, among them DNS egress, spread, no controller namespace, no
#   patch by list index and the database port the overlay sets;
# - a new app from the generator's template renders in every overlay and passes the policies;
# - scripts/deploy-kubernetes.sh against a fake kubectl (and ./kustomize-edit.mjs where no kustomize is
#   installed): digests set, applied, rolled out; a failed rollout rolls the whole set back; an image without
#   a digest, a bad reference and a missing sign-in are refused before anything is applied;
# - scripts/deploy-kind.sh against a fake kind and kubectl: the calls it makes in order, the Secret through a
#   pipe, its refusals;
# - a real run: `podman kube play` of the staging overlay's Deployments with the images proof/smoke builds
#   (proof/smoke/app-images.sh) and a throwaway PostgreSQL behind the API's Secret.
#
# Needs kubectl (with kustomize), node and jq; the real run also podman, runc, catatonit, nix-instantiate, curl,
# PostgreSQL's binaries and root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=kubernetes
# shellcheck source=../lib.sh
. "$ROOT/proof/lib.sh"

require_tool kubectl node jq
CHECK=$HERE/check.mjs
DEPLOY=$ROOT/scripts/deploy-kubernetes.sh
unset KUBECONFIG_DATA ROLLOUT_TIMEOUT

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nix-sample-kubernetes-tests.XXXXXX")
PLAY=
cleanup() {
  if [ -n "$PLAY" ]; then
    podman_private kube down "$WORK/play.yaml" >/dev/null 2>&1 || true
    podman_private pod rm -f -a >/dev/null 2>&1 || true
    rm -rf "$PLAY_RUNROOT"
  fi
  node "$ROOT/proof/support/postgres-cli.mjs" stop "$WORK/postgres" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
chmod 0755 "$WORK" # PostgreSQL's cluster runs as postgres under it
# The deploy script's temporary files go here, so the suite can check it leaves nothing behind.
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"

same() { # same EXPECTED GOT
  [ "$1" = "$2" ] || {
    echo "differ: '$1' vs '$2'"
    return 1
  }
}

# ---- render, schema, policy ------------------------------------------------------------------

# The gateway or ingress controller lives where each platform puts it: only an overlay may name its namespace.
no_controller_namespace() { # FILE...: no namespaceSelector by name but kube-system's (DNS), no ingress-nginx
  ! grep -n -e 'ingress-nginx' -e 'kubernetes.io/metadata.name: ' "$@" | grep -vE 'kubernetes.io/metadata.name: kube-system( |$)'
}
# Overlays and components patch by the object's (and the container's) name, never by a list index.
no_index_patches() { # DIR: no JSON patch path with a list index in its kustomizations
  ! grep -rnE --include=kustomization.yaml 'path: */[^ ,}]*/([0-9]+|-)([/ ,}]|$)' "$1"
}
t "overlays: no JSON patch by list index in overlays/ or components/" no_index_patches "$ROOT/deploy/kubernetes"
t "no controller namespace in the manifests, the generator's template or deploy-kind.sh" \
  no_controller_namespace -r "$ROOT/deploy/kubernetes" "$ROOT/turbo/generators/templates/kubernetes.yaml.hbs" \
  "$ROOT/scripts/deploy-kind.sh"
t "components/ingress leaves ingressClassName to the overlay" bash -c "
  ! grep -rn 'ingressClassName:' '$ROOT/deploy/kubernetes/components/ingress'"
mkdir -p "$WORK/indexed"
printf 'patches:\n  - target: { kind: Deployment }\n    patch: |-\n      - { op: replace, path: /spec/template/spec/containers/0/image, value: x }\n' \
  >"$WORK/indexed/kustomization.yaml"
t "overlays fail: a patch by list index" expect_fail 1 "containers/0/image" no_index_patches "$WORK/indexed"

mapfile -t OVERLAYS < <(find "$ROOT/deploy/kubernetes/overlays" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
t "render: kind, staging and production" same "kind production staging" "${OVERLAYS[*]}"
POLICIES=(objects restricted probes grace volumes network dns spread secrets images)
for overlay in "${OVERLAYS[@]}"; do
  out=$WORK/$overlay.yaml
  t "render: overlays/$overlay (kubectl kustomize)" \
    bash -c "kubectl kustomize '$ROOT/deploy/kubernetes/overlays/$overlay' >'$out'"
  t "schema: every object of overlays/$overlay validates (kubernetes-models)" node "$CHECK" schema "$out"
  t "policy: overlays/$overlay: ${POLICIES[*]}" node "$CHECK" policy "$(IFS=,; echo "${POLICIES[*]}")" "$out"
  t "policy: overlays/$overlay's namespace enforces Pod Security restricted" bash -c "
    grep -q 'pod-security.kubernetes.io/enforce: restricted' '$out' && grep -q '^  name: nix-sample-$overlay$' '$out'"
  t "policy: overlays/$overlay sets no image digest (the deploy script does)" expect_fail 1 "is not a digest" \
    node "$CHECK" policy digests "$out"
  t "policy: overlays/$overlay names no controller's namespace" no_controller_namespace "$out"
done
t "overlays: replicas and hostnames differ (staging 1-2, production 2-10)" bash -c "
  ! grep -q 'minReplicas' '$WORK/staging.yaml' && grep -q 'maxReplicas: 2' '$WORK/staging.yaml' &&
  grep -q 'minReplicas: 2' '$WORK/production.yaml' && grep -q 'maxReplicas: 10' '$WORK/production.yaml' &&
  grep -qx '  - www.example.com' '$WORK/production.yaml' && grep -qx '  - staging.example.com' '$WORK/staging.yaml'"
t "overlays: production's web drains longer, by name, the other variables kept" bash -c "
  node -e '
    const { parseAllDocuments } = require(\"$ROOT/proof/node_modules/yaml\");
    const docs = parseAllDocuments(require(\"fs\").readFileSync(\"$WORK/production.yaml\", \"utf8\")).map((d) => d.toJS());
    const web = docs.find((o) => o.kind === \"Deployment\" && o.metadata.name === \"web\").spec.template.spec;
    const env = Object.fromEntries(web.containers[0].env.map((e) => [e.name, e.value]));
    if (web.terminationGracePeriodSeconds !== 45 || env.SHUTDOWN_DELAY_MS !== \"25000\" || env.API_URL !== \"http://api:3001\") process.exit(1);
  '"
t "overlays: no WEB_ORIGIN (the API has no CORS)" bash -c "! grep -q WEB_ORIGIN '$WORK/staging.yaml' '$WORK/production.yaml'"
if command -v nix-instantiate >/dev/null; then
  nix-instantiate --eval --strict --json "$ROOT/nix/image-settings.nix" -A user 2>/dev/null >"$WORK/user.json" || true
  t "policy: runAsUser/runAsGroup are nix/image-settings.nix's user" same \
    "$(jq -r '"\(.uid) \(.gid)"' "$WORK/user.json" 2>/dev/null)" \
    "$(grep -m1 -E '^ +runAsUser:' "$WORK/production.yaml" | tr -dc 0-9) $(grep -m1 -E '^ +runAsGroup:' "$WORK/production.yaml" | tr -dc 0-9)"
else
  t_unavailable "policy: the image user from nix/image-settings.nix (needs nix-instantiate)"
fi

# Each check must fail on manifests broken on purpose: an overlay of production with one patch.
broken() { # broken NAME TARGET_KIND TARGET_NAME PATCH_YAML: renders $WORK/broken-NAME.yaml
  local dir=$WORK/broken-$1
  mkdir -p "$dir"
  cat >"$dir/kustomization.yaml" <<EOK
resources:
  - $(realpath --relative-to="$dir" "$ROOT/deploy/kubernetes/overlays/production")
patches:
  - target:
      kind: $2
      name: $3
    patch: |-
      ${4//$'\n'/$'\n'      }
EOK
  kubectl kustomize "$dir" >"$WORK/broken-$1.yaml"
}
C=/spec/template/spec/containers/0
broken escalation Deployment api "- {op: replace, path: $C/securityContext/allowPrivilegeEscalation, value: true}"
broken writable-root Deployment web "- {op: replace, path: $C/securityContext/readOnlyRootFilesystem, value: false}"
broken root-user Deployment api "- {op: replace, path: /spec/template/spec/securityContext/runAsUser, value: 0}"
broken token Deployment web "- {op: remove, path: /spec/template/spec/automountServiceAccountToken}"
broken readiness Deployment web "- {op: replace, path: $C/readinessProbe/httpGet/path, value: /health}"
broken no-timeout Deployment api "- {op: remove, path: $C/livenessProbe/timeoutSeconds}"
broken grace Deployment api "- {op: replace, path: /spec/template/spec/terminationGracePeriodSeconds, value: 20}"
broken extra-volume Deployment api "- {op: add, path: $C/volumeMounts/-, value: {name: tmp, mountPath: /data}}"
broken no-cache-dir Deployment web "- {op: remove, path: $C/volumeMounts/1}"
broken public-api HTTPRoute web "- {op: replace, path: /spec/rules/0/backendRefs/0/name, value: api}"
broken no-gateway HTTPRoute web "- {op: remove, path: /spec/parentRefs}"
broken web-open NetworkPolicy web "- {op: replace, path: /spec/ingress/0/ports/0/port, value: 3001}"
broken api-ipblock NetworkPolicy api "- {op: add, path: /spec/ingress/0/from/-, value: {ipBlock: {cidr: 10.0.0.0/8}}}"
broken dns-no-kube-dns NetworkPolicy dns "- {op: replace, path: /spec/egress/0/to/0/podSelector/matchLabels, value: {k8s-app: coredns}}"
broken dns-no-nodelocal NetworkPolicy dns "- {op: remove, path: /spec/egress/0/to/1}"
broken dns-no-metadata NetworkPolicy dns "- {op: remove, path: /spec/egress/0/to/2}"
broken dns-udp-only NetworkPolicy dns "- {op: remove, path: /spec/egress/0/ports/1}"
broken no-spread Deployment web "- {op: remove, path: /spec/template/spec/topologySpreadConstraints/0}"
broken spread-strict Deployment api \
  "- {op: replace, path: /spec/template/spec/topologySpreadConstraints/1/whenUnsatisfiable, value: DoNotSchedule}"
broken pdb-floor PodDisruptionBudget api "- {op: replace, path: /spec/maxUnavailable, value: 2}"
broken controller-namespace NetworkPolicy web \
  "- {op: add, path: /spec/ingress/0/from, value: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]}"
broken bad-hostname HTTPRoute web "- {op: replace, path: /spec/hostnames/0, value: WWW.example.com}"
broken api-open NetworkPolicy api "- {op: add, path: /spec/ingress/0/from/-, value: {podSelector: {}}}"
broken no-deny NetworkPolicy default-deny "- {op: replace, path: /spec/policyTypes, value: [Ingress]}"
broken load-balancer Service api "- {op: add, path: /spec/type, value: LoadBalancer}"
broken no-database-egress NetworkPolicy api "- {op: replace, path: /spec/egress/0/ports/0/port, value: 5433}"
broken literal-secret Deployment api \
  "- {op: replace, path: $C/env/0, value: {name: DATABASE_URL, value: 'postgres://app:hunter2@db:5432/app'}}"
broken replicas Deployment web "- {op: add, path: /spec/replicas, value: 3}"
broken pdb-blocks PodDisruptionBudget web "- {op: remove, path: /spec/maxUnavailable}
- {op: add, path: /spec/minAvailable, value: 2}"
broken docker-hub Deployment web "- {op: replace, path: $C/image, value: nix-sample-web}"
broken bad-schema HorizontalPodAutoscaler web "- {op: replace, path: /spec/minReplicas, value: 'two'}"
t "policy fails: privilege escalation allowed" expect_fail 1 "api/api: privilege escalation not disabled" \
  node "$CHECK" policy restricted "$WORK/broken-escalation.yaml"
t "policy fails: a writable root filesystem" expect_fail 1 "web/web: root filesystem not read-only" \
  node "$CHECK" policy restricted "$WORK/broken-writable-root.yaml"
t "policy fails: runs as root" expect_fail 1 "runAsUser is not the image's uid 1000" \
  node "$CHECK" policy restricted "$WORK/broken-root-user.yaml"
t "policy fails: a service-account token mounted" expect_fail 1 "web: mounts a service-account token" \
  node "$CHECK" policy restricted "$WORK/broken-token.yaml"
t "policy fails: readiness not on runtime.ready" expect_fail 1 "web: readinessProbe is not GET /ready" \
  node "$CHECK" policy probes "$WORK/broken-readiness.yaml"
t "policy fails: a probe with the default 1 s timeout" expect_fail 1 "api: livenessProbe has no timeoutSeconds" \
  node "$CHECK" policy probes "$WORK/broken-no-timeout.yaml"
t "policy fails: a grace period shorter than the drain" expect_fail 1 \
  "api: terminationGracePeriodSeconds 20 s is not above 15000 \+ 10000 ms" \
  node "$CHECK" policy grace "$WORK/broken-grace.yaml"
t "policy fails: a writable mount outside writableDirs" expect_fail 1 "api: writable mounts /tmp /data are not" \
  node "$CHECK" policy volumes "$WORK/broken-extra-volume.yaml"
t "policy fails: a writableDir without its emptyDir" expect_fail 1 "web: writable mounts /tmp are not" \
  node "$CHECK" policy volumes "$WORK/broken-no-cache-dir.yaml"
t "policy fails: the route leading to the API" expect_fail 1 "the route routes to api, which is not public" \
  node "$CHECK" policy network "$WORK/broken-public-api.yaml"
t "policy fails: an HTTPRoute on no Gateway" expect_fail 1 "HTTPRoute web names no Gateway" \
  node "$CHECK" policy network "$WORK/broken-no-gateway.yaml"
t "policy fails: the web open to anyone on another port than its own" expect_fail 1 \
  "web: a policy admits traffic from anywhere" node "$CHECK" policy network "$WORK/broken-web-open.yaml"
t "policy fails: the API admitting an address block" expect_fail 1 "api: admits an ipBlock, but it is not public" \
  node "$CHECK" policy network "$WORK/broken-api-ipblock.yaml"
t "policy fails: DNS only to pods labelled other than k8s-app: kube-dns" expect_fail 1 \
  "no egress to the kube-dns pods of kube-system" node "$CHECK" policy dns "$WORK/broken-dns-no-kube-dns.yaml"
t "policy fails: DNS without NodeLocal DNSCache's address" expect_fail 1 "no egress to 169.254.20.10/32 on UDP and TCP 53" \
  node "$CHECK" policy dns "$WORK/broken-dns-no-nodelocal.yaml"
t "policy fails: DNS without GKE's metadata server (Cloud DNS)" expect_fail 1 \
  "no egress to 169.254.169.254/32 on UDP and TCP 53" node "$CHECK" policy dns "$WORK/broken-dns-no-metadata.yaml"
t "policy fails: DNS on UDP alone (large answers go over TCP)" expect_fail 1 "kube-system on UDP and TCP 53" \
  node "$CHECK" policy dns "$WORK/broken-dns-udp-only.yaml"
t "policy fails: no spread across zones" expect_fail 1 "web: no topology spread across topology.kubernetes.io/zone" \
  node "$CHECK" policy spread "$WORK/broken-no-spread.yaml"
t "policy fails: a spread that leaves pods pending (DoNotSchedule)" expect_fail 1 \
  "api: spread across kubernetes.io/hostname is DoNotSchedule" node "$CHECK" policy spread "$WORK/broken-spread-strict.yaml"
t "policy fails: a PodDisruptionBudget letting every pod go at the autoscaler's floor" expect_fail 1 \
  "api: PodDisruptionBudget maxUnavailable 2 at 2 replicas" node "$CHECK" policy objects "$WORK/broken-pdb-floor.yaml"
t "policy fails: the API admitting every pod" expect_fail 1 "api: admits every pod of the namespace" \
  node "$CHECK" policy network "$WORK/broken-api-open.yaml"
t "policy fails: no default deny of egress" expect_fail 1 "no default-deny NetworkPolicy" \
  node "$CHECK" policy network "$WORK/broken-no-deny.yaml"
t "policy fails: a LoadBalancer Service" expect_fail 1 "Service api is LoadBalancer" \
  node "$CHECK" policy network "$WORK/broken-load-balancer.yaml"
t "policy fails: the API without its way out to PostgreSQL" expect_fail 1 \
  "api: reads DATABASE_URL but has no egress to port 5432" node "$CHECK" policy network "$WORK/broken-no-database-egress.yaml"
t "policy fails: a literal DATABASE_URL" expect_fail 1 "api: DATABASE_URL holds credentials" \
  node "$CHECK" policy secrets "$WORK/broken-literal-secret.yaml"
t "policy fails: replicas set beside the autoscaler" expect_fail 1 "web: sets replicas, which its autoscaler owns" \
  node "$CHECK" policy objects "$WORK/broken-replicas.yaml"
t "policy fails: a PodDisruptionBudget that blocks a drain" expect_fail 1 "web: PodDisruptionBudget minAvailable 2 blocks drains" \
  node "$CHECK" policy objects "$WORK/broken-pdb-blocks.yaml"
t "policy fails: an image a node would look up on Docker Hub" expect_fail 1 "web: image nix-sample-web is not" \
  node "$CHECK" policy images "$WORK/broken-docker-hub.yaml"
t "policy fails: a controller's namespace named in the manifests" expect_fail 1 "metadata.name: ingress-nginx" \
  no_controller_namespace "$WORK/broken-controller-namespace.yaml"
t "schema fails: an HTTPRoute hostname Gateway API refuses" expect_fail 1 "hostnames/0 must match pattern" \
  node "$CHECK" schema "$WORK/broken-bad-hostname.yaml"
t "schema fails: a string where the schema wants an integer" expect_fail 1 "minReplicas must be integer" \
  node "$CHECK" schema "$WORK/broken-bad-schema.yaml"

# ---- each platform's overlay (./platforms, as docs/deploy.md describes them) ----------------------------

mapfile -t PLATFORMS < <(find "$HERE/platforms" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
t "platforms: GKE Autopilot and Standard, EKS, AKS, k3s (kind: overlays/kind)" same "aks eks gke-autopilot gke-standard k3s" \
  "${PLATFORMS[*]}"
for platform in "${PLATFORMS[@]}"; do
  out=$WORK/platform-$platform.yaml
  port=$(sed -n 's/^# DATABASE_PORT=//p' "$HERE/platforms/$platform/kustomization.yaml")
  t "platform $platform: renders and validates (HTTPRoute or Ingress)" bash -c "
    kubectl kustomize '$HERE/platforms/$platform' >'$out' && node '$CHECK' schema '$out'"
  t "platform $platform: every policy, the database on port $port" \
    env DATABASE_PORT="$port" node "$CHECK" policy "$(IFS=,; echo "${POLICIES[*]}")" "$out"
done
t "platforms: the Ingress component replaces the HTTPRoute, the class is the overlay's" bash -c "
  grep -q 'ingressClassName: traefik' '$WORK/platform-k3s.yaml' && ! grep -q 'kind: HTTPRoute' '$WORK/platform-k3s.yaml' &&
  grep -q 'ingressClassName: alb' '$WORK/platform-eks.yaml' && ! grep -q 'web.example.com' '$WORK/platform-eks.yaml'"
t "platforms: the overlay's database port replaces 5432, not beside it" expect_fail 1 \
  "api: reads DATABASE_URL but has no egress to port 5432" node "$CHECK" policy network "$WORK/platform-gke-standard.yaml"
t "platforms: an overlay narrows the web's sources by the policy's name (no rule from anywhere left)" node -e '
  const { parseAllDocuments } = require(process.argv[1]);
  const docs = parseAllDocuments(require("fs").readFileSync(process.argv[2], "utf8")).map((d) => d.toJS());
  const web = docs.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "web").spec.ingress;
  if (web.length !== 1 || web[0].from?.[1]?.ipBlock?.cidr !== "130.211.0.0/22") process.exit(1);
' "$ROOT/proof/node_modules/yaml" "$WORK/platform-gke-autopilot.yaml"

# ---- a new app from the generator's template ------------------------------------------------------

# A copy of the manifests and the apps' package.json files, plus admin as `turbo gen app admin node` writes it:
# base/admin.yaml from the template, listed in base/kustomization.yaml.
COPY=$WORK/copy
mkdir -p "$COPY/deploy" "$COPY/apps/admin"
cp -r "$ROOT/deploy/kubernetes" "$COPY/deploy/"
for manifest in "$ROOT"/apps/*/package.json; do
  mkdir -p "$COPY/apps/$(basename "$(dirname "$manifest")")"
  cp "$manifest" "$COPY/apps/$(basename "$(dirname "$manifest")")/"
done
fill() { # the generator's placeholders, for a node app (writableDirs: /tmp)
  sed -e '/{{#if writableDirs/,/{{\/if}}/d' \
    -e 's/{{ name }}/admin/g' -e 's/{{ port }}/3002/g' -e 's/{{ project }}/nix-sample/g' -e 's|{{ registryPath }}|nix-sample/nix-sample|g' "$1"
}
fill "$ROOT/turbo/generators/templates/kubernetes.yaml.hbs" >"$COPY/deploy/kubernetes/base/admin.yaml"
# The runtime field turbo/generators/config.ts writes for it.
jq -n '{name: "admin", version: "0.1.0", runtime: {kind: "node", port: 3002, ready: "/ready", entry: "index.mjs",
  writableDirs: ["/tmp"], env: {ADMIN_PORT: "3002", ADMIN_HOST: "0.0.0.0"}, needs: []}}' >"$COPY/apps/admin/package.json"
sed -i 's/^resources:$/resources:\n  - admin.yaml/' "$COPY/deploy/kubernetes/base/kustomization.yaml"
t "new app: no placeholder is left in its manifest" bash -c "! grep -n '{{' '$COPY/deploy/kubernetes/base/admin.yaml'"
for overlay in "${OVERLAYS[@]}"; do
  out=$WORK/copy-$overlay.yaml
  t "new app: overlays/$overlay renders with it" \
    bash -c "kubectl kustomize '$COPY/deploy/kubernetes/overlays/$overlay' >'$out' && grep -q 'name: admin$' '$out'"
  t "new app: overlays/$overlay validates" node "$CHECK" schema "$out"
  t "new app: overlays/$overlay: ${POLICIES[*]}" env ROOT="$COPY" node "$CHECK" policy "$(IFS=,; echo "${POLICIES[*]}")" "$out"
done

# ---- scripts/deploy-kubernetes.sh and image-set.sh against a fake cluster -----------------------------
# shellcheck source=deploy-script.sh
. "$HERE/deploy-script.sh"

# ---- scripts/deploy-kind.sh against a fake kind and kubectl --------------------------------------------

KIND_FAKE=$WORK/kindbin
mkdir -p "$KIND_FAKE"
# Both record their argv; kubectl also what it reads on stdin. `kustomize` is the real one.
cat >"$KIND_FAKE/kind" <<'EOK'
#!/usr/bin/env bash
printf 'kind %s\n' "$*" >>"$FAKE_LOG"
case "$1 $2" in
  "get clusters") printf '%s\n' ${FAKE_CLUSTERS-} ;;
  "get kubeconfig") echo 'apiVersion: v1' ;;
esac
EOK
cat >"$KIND_FAKE/kubectl" <<EOK
#!/usr/bin/env bash
set -euo pipefail
printf 'kubectl %s\n' "\$*" >>"\$FAKE_LOG"
if [ "\$1" = kustomize ]; then exec "$REAL_KUBECTL" "\$@"; fi
case " \$* " in
  *" -f - "*) cat >>"\$FAKE_STDIN" ;;
  *" create secret "*) exec "$REAL_KUBECTL" "\${@:3}" ;; # the manifest alone (--dry-run=client)
  *" apply --server-side --force-conflicts --field-manager=deploy-kubernetes "*) cp "\${@: -1}" "\$FAKE_APPLIED" ;;
  *" get service -A "*) [ -n "\${FAKE_NO_SERVICE-}" ] || echo 'envoy-gateway-system/envoy-nix-sample-kind-eg-5d3f' ;;
esac
EOK
chmod +x "$KIND_FAKE/kind" "$KIND_FAKE/kubectl"
if [ -x "$FAKE/kustomize" ]; then cp "$FAKE/kustomize" "$KIND_FAKE/"; fi
KIND_DB='postgres://app:kind-s3cret@172.18.0.1:5432/app'
deploy_kind() { # deploy_kind NAME [VAR=VALUE...] -- ARGS...: out/err/rc/log/stdin under $WORK/kind-NAME.*
  local name=kind-$1 rc=0 vars=()
  shift
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  : >"$WORK/$name.log"
  : >"$WORK/$name.stdin"
  env PATH="$KIND_FAKE:$PATH" FAKE_LOG="$WORK/$name.log" FAKE_STDIN="$WORK/$name.stdin" \
    FAKE_APPLIED="$WORK/$name.applied.yaml" DATABASE_URL="$KIND_DB" ${vars[@]+"${vars[@]}"} \
    bash "$ROOT/scripts/deploy-kind.sh" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  echo "$rc" >"$WORK/$name.rc"
}
kind_ended() { # kind_ended NAME CODE PATTERN
  if [ "$2" != "$(cat "$WORK/kind-$1.rc")" ] || ! grep -qE -- "$3" "$WORK/kind-$1.err"; then
    echo "exit $(cat "$WORK/kind-$1.rc"):"
    cat "$WORK/kind-$1.err"
    return 1
  fi
}
kind_order() { # the calls that make the cluster and install the kind row, short (not those reading stdin)
  grep -E '^kind (create|get kubeconfig)|^kubectl --context kind-kind (apply|create|-n [a-z-]+ (patch|wait|create))' "$1" |
    grep -vE -- ' -f -( |$)' | sed -E 's/ (-f|-p|--type=|--for=|--dry-run=).*//'
}

deploy_kind new -- "$WORK/refs.txt"
t "deploy-kind: exit 0, the web's URL alone on stdout" bash -c "
  [ \$(cat '$WORK/kind-new.rc') = 0 ] || { cat '$WORK/kind-new.err'; exit 1; }
  [ \"\$(cat '$WORK/kind-new.out')\" = http://localhost:8080 ]"
t "deploy-kind: creates the missing cluster, then installs what the kind row says, in order" same \
  "kind create cluster --name kind
kubectl --context kind-kind apply --server-side
kubectl --context kind-kind apply
kubectl --context kind-kind -n kube-system patch deployment metrics-server
kubectl --context kind-kind -n envoy-gateway-system wait
kubectl --context kind-kind create namespace nix-sample-kind
kubectl --context kind-kind -n nix-sample-kind create secret generic api-database
kind get kubeconfig --name kind" "$(kind_order "$WORK/kind-new.log")"
t "deploy-kind: Envoy Gateway and metrics-server at pinned releases" bash -c "
  grep -q 'envoyproxy/gateway/releases/download/v[0-9.]*/install.yaml' '$WORK/kind-new.log' &&
  grep -q 'metrics-server/releases/download/v[0-9.]*/components.yaml' '$WORK/kind-new.log'"
t "deploy-kind: the Gateway eg in the namespace whose HTTPRoute names it" bash -c "
  grep -q 'metadata: { name: eg, namespace: nix-sample-kind }' '$WORK/kind-new.stdin' &&
  grep -q 'gatewayclass-controller' '$WORK/kind-new.stdin'"
t "deploy-kind: the database Secret through a pipe, never in argv or output" bash -c "
  grep -q \"DATABASE_URL: \$(printf %s '$KIND_DB' | base64 -w0)\" '$WORK/kind-new.stdin' &&
  ! grep -q kind-s3cret '$WORK/kind-new.log' '$WORK/kind-new.out' '$WORK/kind-new.err'"
t "deploy-kind: applied overlays/kind with every digest, then waited for the rollouts" bash -c "
  node '$CHECK' policy digests,network,dns '$WORK/kind-new.applied.yaml' &&
  grep -q '^  - name: eg\$' '$WORK/kind-new.applied.yaml' &&
  grep -q 'rollout status deployment/web' '$WORK/kind-new.log'"
t "deploy-kind: logs the port-forward to the gateway's Service" grep -q \
  'kubectl --context kind-kind -n envoy-gateway-system port-forward service/envoy-nix-sample-kind-eg-5d3f 8080:80' \
  "$WORK/kind-new.err"
deploy_kind again FAKE_CLUSTERS="other kind" -- "$WORK/refs.txt"
t "deploy-kind: run again, keeps the cluster" bash -c "
  [ \$(cat '$WORK/kind-again.rc') = 0 ] && grep -q 'get clusters' '$WORK/kind-again.log' &&
  ! grep -q 'create cluster' '$WORK/kind-again.log'"
deploy_kind no-db DATABASE_URL= -- "$WORK/refs.txt"
deploy_kind no-args --
deploy_kind no-service FAKE_NO_SERVICE=1 -- "$WORK/refs.txt"
t "deploy-kind refuses: no DATABASE_URL (exit 2)" kind_ended no-db 2 "DATABASE_URL is not set"
t "deploy-kind refuses: ... before any call" bash -c "[ ! -s '$WORK/kind-no-db.log' ]"
t "deploy-kind refuses: no arguments (exit 2)" kind_ended no-args 2 "usage: deploy-kind.sh <image-refs>"
t "deploy-kind fails: no Service for the Gateway (exit 1)" kind_ended no-service 1 "no Service for the Gateway eg"
mkdir -p "$WORK/nokind"
ln -sf "$KIND_FAKE/kubectl" "$WORK/nokind/kubectl"
rc=0
env PATH="$WORK/nokind:/usr/bin:/bin" DATABASE_URL="$KIND_DB" bash "$ROOT/scripts/deploy-kind.sh" "$WORK/refs.txt" \
  >/dev/null 2>"$WORK/kind-nokind.err" || rc=$?
echo "$rc" >"$WORK/kind-nokind.rc"
t "deploy-kind refuses: kind not installed (exit 2)" kind_ended nokind 2 "kind is not installed"

if command -v shellcheck >/dev/null; then
  t "shellcheck: deploy-kubernetes.sh, image-set.sh, deploy-kind.sh and this suite are clean" shellcheck -x -P SCRIPTDIR \
    "$DEPLOY" "$ROOT/scripts/image-set.sh" "$ROOT/scripts/deploy-kind.sh" "$HERE/run.sh" "$HERE/deploy-script.sh"
else
  t_unavailable "shellcheck (not installed)"
fi

# ---- the real run: podman kube play -----------------------------------------------------------------

real_run_tools=(podman runc catatonit nix-instantiate curl)
missing=()
for tool in "${real_run_tools[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  t_unavailable "podman kube play: needs ${missing[*]}"
  t_summary
  exit
fi
if [ "$(id -u)" -ne 0 ]; then
  t_unavailable "podman kube play: needs root (image layers owned by the app user)"
  t_summary
  exit
fi

# podman with storage of its own; runc with explicit limits (the default rlimits fail under runc here).
PLAY=$WORK/podman
PLAY_RUNROOT=$(mktemp -d /tmp/kube-play-run.XXXXXX) # podman refuses a runroot path longer than 50 characters
mkdir -p "$PLAY"
cat >"$PLAY/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
EOF
podman_private() {
  CONTAINERS_CONF=$PLAY/containers.conf podman --root "$PLAY/storage" --runroot "$PLAY_RUNROOT" \
    --storage-driver vfs --cgroup-manager=cgroupfs --events-backend=file "$@"
}

IMAGES=$WORK/images
images_rc=0
bash "$ROOT/proof/smoke/app-images.sh" "$IMAGES" 2>"$WORK/images.err" || images_rc=$?
if [ "$images_rc" -ne 0 ]; then
  tail -n 20 "$WORK/images.err"
  t_unavailable "podman kube play: the app images (proof/smoke/app-images.sh exit $images_rc)"
  t_summary
  exit
fi
gzip -dc "$IMAGES/api.tar.gz" >"$IMAGES/api.tar" # podman 4.3 reads no gzip docker-archive
t "play: the web and API images load" bash -c "
  $(declare -f podman_private); PLAY='$PLAY' PLAY_RUNROOT='$PLAY_RUNROOT'
  podman_private load -q -i '$IMAGES/api.tar' && podman_private load -q -i '$IMAGES/web.tar'"

# The database: a throwaway PostgreSQL cluster on 127.0.0.1 (Debian's server binaries make no image); its URL
# reaches the API through the Secret the manifests reference, as a podman secret (podman 4.3 reads it as a JSON
# object of base64 values), given on stdin.
if ! DATABASE_URL=$(node "$ROOT/proof/support/postgres-cli.mjs" start "$WORK/postgres" --owner $$ 2>"$WORK/postgres.err"); then
  tail -n 5 "$WORK/postgres.err"
  t_unavailable "podman kube play: PostgreSQL for the API"
  t_summary
  exit
fi
DATABASE_URL=$DATABASE_URL node -e '
  process.stdout.write(JSON.stringify({ DATABASE_URL: Buffer.from(process.env.DATABASE_URL).toString("base64") }))' |
  podman_private secret create api-database - >/dev/null

free_port() { node -e 'import(process.argv[1]).then(async (m) => console.log(await m.freePort()))' "$ROOT/proof/support/index.mjs"; }
API_PORT=$(free_port)
WEB_PORT=$(free_port)
node "$HERE/for-podman.mjs" "$WORK/staging.yaml" "{\"api\": $API_PORT, \"web\": $WEB_PORT}" >"$WORK/play.yaml"
play_rc=0
podman_private kube play --network=host "$WORK/play.yaml" >"$WORK/play.out" 2>"$WORK/play.err" || play_rc=$?
t "play: podman kube play of staging's web and API Deployments exits 0" bash -c "
  [ $play_rc = 0 ] || { cat '$WORK/play.err'; exit 1; }"

ready() { # ready PORT: GET /ready answers 200 within 120 s
  local _
  for _ in $(seq 1 240); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/ready")" = 200 ]; then return 0; fi
    sleep 0.5
  done
  echo "no 200 from 127.0.0.1:$1/ready within 120 s"
  podman_private logs --tail 20 api-pod-0-api web-pod-0-web 2>&1 || true
  return 1
}
t "play: the API's /ready answers 200 (migrated, on the Secret's database)" ready "$API_PORT"
t "play: the web's /ready answers 200" ready "$WEB_PORT"

process_of() { podman_private inspect -f '{{.State.Pid}}' "$1-pod-0-$1"; }
runs_as_image_user() { # the app's process: uid/gid 1000, / read-only, exactly its writableDirs writable
  local pid
  pid=$(process_of "$1")
  if ! grep -qE '^Uid:\s+1000\s+1000\s+1000\s+1000$' "/proc/$pid/status" ||
    ! grep -qE '^Gid:\s+1000\s+1000\s+1000\s+1000$' "/proc/$pid/status"; then
    grep -E '^(Uid|Gid):' "/proc/$pid/status"
    return 1
  fi
  awk '$2 == "/" { print $4 }' "/proc/$pid/mounts" | grep -qE '^ro(,|$)' || {
    echo "/ is not read-only"
    return 1
  }
  same "$(jq -r --arg a "$1" '.apps[$a].writableDirs | sort | join(" ")' "$IMAGES/settings.json")" \
    "$(awk '$4 ~ /^rw/ && $2 != "/dev" && $2 !~ "^/(dev|proc|sys|run|etc)(/|$)" { print $2 }' "/proc/$pid/mounts" | sort | paste -sd ' ')"
}
t "play: the API runs as uid/gid 1000 on a read-only root, writable only in its writableDirs" runs_as_image_user api
t "play: the web likewise" runs_as_image_user web
t "play: the manifests' drain settings reach the process (SHUTDOWN_DELAY_MS=15000)" bash -c "
  tr '\0' '\n' </proc/$(process_of web)/environ | grep -qx SHUTDOWN_DELAY_MS=15000"

export DATABASE_URL # to round-trip.mjs through its environment, never its argv
# The domain's round trip lives beside the apps (proof/load/round-trip.mjs): a note added through the web's form
# as a browser without JavaScript adds it, then on the page and in the database exactly once.
t "play: a write through the web's form shows on its page and is in the database (web → API → database)" \
  node "$ROOT/proof/load/round-trip.mjs" "http://127.0.0.1:$WEB_PORT"

down_rc=0
podman_private kube down "$WORK/play.yaml" >"$WORK/down.out" 2>"$WORK/down.err" || down_rc=$?
t "play: podman kube down exits 0" bash -c "[ $down_rc = 0 ] || { cat '$WORK/down.err'; exit 1; }"
t "play: no pod or container is left" same "" "$(podman_private ps -a -q 2>&1; podman_private pod ps -q 2>&1)"

t_summary
