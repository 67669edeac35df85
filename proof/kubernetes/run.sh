#!/usr/bin/env bash
# The Kubernetes manifests (deploy/kubernetes) and their deploy script, as far as a machine without a cluster
# can prove them:
#
#   bash proof/kubernetes/run.sh        (REQUIRE_EVERY_SUITE=1 makes missing tools fatal)
#
# - every overlay renders (`kubectl kustomize`), and base/apps matches the apps' runtime fields;
# - every rendered object validates against the Kubernetes OpenAPI schemas (kubernetes-models; ./check.mjs);
# - policies on the rendered output (./check.mjs): Pod Security "restricted" with the image's user, probes on the
#   runtime paths, the drain's arithmetic, emptyDirs exactly at writableDirs, default deny and only the web
#   public, nothing secret; and each check fails on manifests broken on purpose;
# - a new app (the generator's node template) is rendered, renders in every overlay and passes the policies;
# - scripts/deploy-kubernetes.sh against a fake kubectl on PATH: its argv, the digests it applies, the
#   kubeconfig's private life, every refusal and failure message;
# - a real run: `podman kube play` of the staging overlay's Deployments with the images proof/smoke builds
#   (proof/smoke/app-images.sh, shared through TEST_CACHE) and a throwaway PostgreSQL on loopback behind the API's
#   Secret: /ready answers, the processes run as the image user on a read-only root, a note created through the
#   API shows on the web's page and is in the database, and `podman kube down` removes everything.
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
RENDER=$ROOT/scripts/render-kubernetes.mjs
REAL_KUBECTL=$(command -v kubectl)
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

mapfile -t OVERLAYS < <(find "$ROOT/deploy/kubernetes/overlays" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
t "render: at least staging and production" bash -c "[[ ' ${OVERLAYS[*]} ' == *' production '* && ' ${OVERLAYS[*]} ' == *' staging '* ]]"
t "render: base/apps is what render-kubernetes.mjs writes from the runtime fields" node "$RENDER" --check
POLICIES=(objects restricted probes grace volumes network secrets)
for overlay in "${OVERLAYS[@]}"; do
  out=$WORK/$overlay.yaml
  t "render: overlays/$overlay (kubectl kustomize)" \
    bash -c "kubectl kustomize '$ROOT/deploy/kubernetes/overlays/$overlay' >'$out'"
  t "schema: every object of overlays/$overlay validates (kubernetes-models)" node "$CHECK" schema "$out"
  for policy in "${POLICIES[@]}"; do
    t "policy: overlays/$overlay: $policy" node "$CHECK" policy "$policy" "$out"
  done
done
t "policy: production's namespace enforces Pod Security restricted" \
  grep -q 'pod-security.kubernetes.io/enforce: restricted' "$WORK/production.yaml"
t "policy: the overlays differ in replicas and host (staging 1-2, production 2-10)" bash -c "
  grep -q 'minReplicas: 1' '$WORK/staging.yaml' && grep -q 'maxReplicas: 2' '$WORK/staging.yaml' &&
  grep -q 'minReplicas: 2' '$WORK/production.yaml' && grep -q 'maxReplicas: 10' '$WORK/production.yaml' &&
  ! grep -q 'host: web.example.com' '$WORK/production.yaml'"
if command -v nix-instantiate >/dev/null; then
  nix-instantiate --eval --strict --json "$ROOT/nix/image-settings.nix" -A user 2>/dev/null >"$WORK/user.json" || true
  t "policy: runAsUser/runAsGroup are nix/image-settings.nix's user" same \
    "$(jq -r '"\(.uid) \(.gid)"' "$WORK/user.json" 2>/dev/null)" \
    "$(grep -m1 -E '^ +runAsUser:' "$WORK/production.yaml" | tr -dc 0-9) $(grep -m1 -E '^ +runAsGroup:' "$WORK/production.yaml" | tr -dc 0-9)"
else
  t_unavailable "policy: the image user from nix/image-settings.nix (needs nix-instantiate)"
fi

# Each check must fail on manifests broken on purpose: an overlay of production with one JSON patch.
broken() { # broken NAME TARGET_KIND TARGET_NAME PATCH_YAML: renders $WORK/broken-NAME.yaml
  local dir=$WORK/broken-$1
  mkdir -p "$dir"
  cat >"$dir/kustomization.yaml" <<EOF
resources:
  - $(realpath --relative-to="$dir" "$ROOT/deploy/kubernetes/overlays/production")
patches:
  - target:
      kind: $2
      name: $3
    patch: |-
      ${4//$'\n'/$'\n'      }
EOF
  kubectl kustomize "$dir" >"$WORK/broken-$1.yaml"
}
C=/spec/template/spec/containers/0
broken escalation Deployment api "- {op: replace, path: $C/securityContext/allowPrivilegeEscalation, value: true}"
broken writable-root Deployment web "- {op: replace, path: $C/securityContext/readOnlyRootFilesystem, value: false}"
broken root-user Deployment api "- {op: replace, path: $C/securityContext/runAsUser, value: 0}"
broken token Deployment web "- {op: remove, path: /spec/template/spec/automountServiceAccountToken}"
broken readiness Deployment web "- {op: replace, path: $C/readinessProbe/httpGet/path, value: /health}"
broken grace Deployment api "- {op: replace, path: /spec/template/spec/terminationGracePeriodSeconds, value: 20}"
broken extra-volume Deployment api "- {op: add, path: $C/volumeMounts/-, value: {name: tmp, mountPath: /data}}"
broken no-cache-dir Deployment web "- {op: remove, path: $C/volumeMounts/1}"
broken public-api Ingress web "- {op: replace, path: /spec/rules/0/http/paths/0/backend/service/name, value: api}"
broken api-open NetworkPolicy api-apps "- {op: add, path: /spec/ingress/0/from/-, value: {podSelector: {}}}"
broken load-balancer Service api "- {op: add, path: /spec/type, value: LoadBalancer}"
broken no-database-egress NetworkPolicy api-database "- {op: replace, path: /spec/egress/0/ports/0/port, value: 5433}"
broken literal-secret Deployment api \
  "- {op: add, path: $C/env/-, value: {name: DATABASE_URL, value: 'postgres://app:hunter2@db:5432/app'}}"
broken replicas Deployment web "- {op: add, path: /spec/replicas, value: 3}"
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
t "policy fails: a grace period shorter than the drain" expect_fail 1 \
  "api: terminationGracePeriodSeconds 20 s is not above 15000 \+ 10000 ms" \
  node "$CHECK" policy grace "$WORK/broken-grace.yaml"
t "policy fails: a writable mount outside writableDirs" expect_fail 1 "api: writable mounts /tmp /data are not" \
  node "$CHECK" policy volumes "$WORK/broken-extra-volume.yaml"
t "policy fails: a writableDir without its emptyDir" expect_fail 1 "web: writable mounts /tmp are not" \
  node "$CHECK" policy volumes "$WORK/broken-no-cache-dir.yaml"
t "policy fails: the Ingress routing to the API" expect_fail 1 "the Ingress routes to api, which is not public" \
  node "$CHECK" policy network "$WORK/broken-public-api.yaml"
t "policy fails: the API admitting every pod" expect_fail 1 "api: admits every pod of the namespace" \
  node "$CHECK" policy network "$WORK/broken-api-open.yaml"
t "policy fails: a LoadBalancer Service" expect_fail 1 "Service api is LoadBalancer" \
  node "$CHECK" policy network "$WORK/broken-load-balancer.yaml"
t "policy fails: the API without its way out to PostgreSQL" expect_fail 1 \
  "api: reads DATABASE_URL but has no egress to port 5432" node "$CHECK" policy network "$WORK/broken-no-database-egress.yaml"
t "policy fails: a literal DATABASE_URL" expect_fail 1 "api: DATABASE_URL holds credentials" \
  node "$CHECK" policy secrets "$WORK/broken-literal-secret.yaml"
t "policy fails: replicas set beside the autoscaler" expect_fail 1 "web: sets replicas, which its autoscaler owns" \
  node "$CHECK" policy objects "$WORK/broken-replicas.yaml"
t "schema fails: a string where the schema wants an integer" expect_fail 1 "minReplicas must be integer" \
  node "$CHECK" schema "$WORK/broken-bad-schema.yaml"
t "policy fails: images that are not digests (the overlay alone)" expect_fail 1 "image nix-sample-web is not a digest" \
  node "$CHECK" policy digests "$WORK/production.yaml"

# ---- a new app, with no hand edit ----------------------------------------------------------------

# A copy of what the manifests are made from, plus a new app, admin, from the generator's node template (its
# placeholders filled as turbo/generators/config.ts fills them).
COPY=$WORK/copy
mkdir -p "$COPY/scripts" "$COPY/deploy" "$COPY/apps/admin"
cp "$ROOT/package.json" "$COPY/"
cp "$RENDER" "$COPY/scripts/"
cp -r "$ROOT/deploy/kubernetes" "$COPY/deploy/"
ln -s "$ROOT/node_modules" "$COPY/node_modules"
for manifest in "$ROOT"/apps/*/package.json; do
  mkdir -p "$COPY/apps/$(basename "$(dirname "$manifest")")"
  cp "$manifest" "$COPY/apps/$(basename "$(dirname "$manifest")")/"
done
sed -e 's/{{ name }}/admin/g' -e 's/{{ prefix }}/ADMIN/g' -e 's/{{ port }}/3002/g' \
  -e "s/{{ project }}/$(jq -r .name "$ROOT/package.json")/g" -e "s/{{ devPort }}/\${ADMIN_PORT:-3002}/g" \
  "$ROOT/turbo/generators/templates/node/package.json.hbs" >"$COPY/apps/admin/package.json"
t "new app: the template's package.json is filled in (JSON)" jq -e '.runtime.port == 3002' "$COPY/apps/admin/package.json"
t "new app: --check names the missing file" expect_fail 1 "deploy/kubernetes/base/apps/admin.yaml" \
  node "$COPY/scripts/render-kubernetes.mjs" --check
t "new app: render-kubernetes.mjs writes its manifests" node "$COPY/scripts/render-kubernetes.mjs"
t "new app: and --check agrees afterwards" node "$COPY/scripts/render-kubernetes.mjs" --check
for overlay in "${OVERLAYS[@]}"; do
  out=$WORK/copy-$overlay.yaml
  t "new app: overlays/$overlay renders with it" \
    bash -c "kubectl kustomize '$COPY/deploy/kubernetes/overlays/$overlay' >'$out' && grep -q 'name: admin$' '$out'"
  t "new app: overlays/$overlay validates" node "$CHECK" schema "$out"
  for policy in "${POLICIES[@]}"; do
    t "new app: overlays/$overlay: $policy" env ROOT="$COPY" node "$CHECK" policy "$policy" "$out"
  done
done
jq '.runtime.ready = "/readyz"' "$COPY/apps/web/package.json" >"$WORK/web.json" && mv "$WORK/web.json" "$COPY/apps/web/package.json"
t "drift: a changed runtime field makes --check fail, naming the app's file" expect_fail 1 "base/apps/web.yaml: out of date" \
  node "$COPY/scripts/render-kubernetes.mjs" --check
rm "$COPY/apps/admin/package.json"
node "$COPY/scripts/render-kubernetes.mjs" 2>/dev/null
t "drift: a removed app's file is removed" test ! -e "$COPY/deploy/kubernetes/base/apps/admin.yaml"
t "render usage: an unknown option (exit 2)" expect_fail 2 "usage: render-kubernetes.mjs \[--check\]" node "$RENDER" --force

# ---- scripts/deploy-kubernetes.sh against a fake kubectl -------------------------------------------

KUBECONFIG_SECRET='apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: ci, user: {token: s3cr3t-t0ken-4-tests}}]'
FAKE=$WORK/fakebin
mkdir -p "$FAKE"
# Records each call (argv, the kubeconfig it was given, its mode and content); `kustomize` is the real one.
cat >"$FAKE/kubectl" <<EOF
#!/usr/bin/env bash
set -euo pipefail
log=\$FAKE_KUBECTL_LOG
{ printf 'ARGV:'; printf ' %s' "\$@"; printf '\n'; } >>"\$log"
if [ "\$1" = kustomize ]; then exec "$REAL_KUBECTL" "\$@"; fi
{
  printf 'KUBECONFIG %s mode %s\n' "\${KUBECONFIG-unset}" "\$(stat -c %a "\${KUBECONFIG:-/nonexistent}" 2>/dev/null || echo none)"
  if [ "\$(cat "\${KUBECONFIG:-/nonexistent}" 2>/dev/null)" = "\$FAKE_EXPECTED_KUBECONFIG" ]; then echo 'KUBECONFIG content ok'; fi
  if env | grep -q '^KUBECONFIG_DATA='; then echo 'KUBECONFIG_DATA in the environment'; fi
} >>"\$log"
case \$1 in
  apply)
    while [ \$# -gt 0 ] && [ "\$1" != -f ]; do shift; done
    cp "\$2" "\$FAKE_APPLIED"
    if [ "\${FAKE_APPLY_FAILS-}" = 1 ]; then echo 'error: the server rejected the request' >&2; exit 1; fi
    echo 'deployment.apps/web serverside-applied' ;;
  rollout)
    app=\${3#deployment/}
    if [[ " \${FAKE_ROLLOUT_FAILS-} " == *" \$app "* ]]; then
      echo 'error: timed out waiting for the condition' >&2
      exit 1
    fi
    echo "deployment \"\$app\" successfully rolled out" ;;
esac
EOF
chmod +x "$FAKE/kubectl"
D1=sha256:$(printf 'a%.0s' {1..64})
D2=sha256:$(printf 'b%.0s' {1..64})
R=ghcr.io/acme/shop
printf 'api=%s/nix-sample-api@%s\nweb=%s/nix-sample-web@%s\n' "$R" "$D1" "$R" "$D2" >"$WORK/refs.txt"
printf 'api=%s/nix-sample-api@%s\nweb=%s/nix-sample-web:latest\n' "$R" "$D1" "$R" >"$WORK/refs-latest.txt"
printf 'api=%s/nix-sample-api@%s\nweb=%s/nix-sample-web:v1@%s\n' "$R" "$D1" "$R" "$D2" >"$WORK/refs-tagged.txt"
printf 'api=%s/nix-sample-api@%s\n' "$R" "$D1" >"$WORK/refs-missing.txt"
cat "$WORK/refs.txt" >"$WORK/refs-unknown.txt"
printf 'db=%s/db@%s\n' "$R" "$D1" >>"$WORK/refs-unknown.txt"
cat "$WORK/refs.txt" "$WORK/refs.txt" >"$WORK/refs-twice.txt"
printf 'api=%s/nix-sample-api@sha256:abc\nweb=%s/nix-sample-web@%s\n' "$R" "$R" "$D2" >"$WORK/refs-short.txt"

deploy() { # deploy NAME [VAR=VALUE...] -- ARGS...: run the script with the fake kubectl, keep out/err/rc/log
  local name=$1 rc=0
  shift
  local vars=()
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  : >"$WORK/$name.log"
  env PATH="$FAKE:$PATH" FAKE_KUBECTL_LOG="$WORK/$name.log" FAKE_APPLIED="$WORK/$name.applied.yaml" \
    FAKE_EXPECTED_KUBECONFIG="$KUBECONFIG_SECRET" KUBECONFIG_DATA="$KUBECONFIG_SECRET" "${vars[@]}" \
    bash "$DEPLOY" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  echo "$rc" >"$WORK/$name.rc"
}
ended() { # ended NAME CODE PATTERN: exit CODE, one error line matching PATTERN, nothing on stdout
  local rc
  rc=$(cat "$WORK/$1.rc")
  [ "$rc" = "$2" ] || {
    echo "expected exit $2, got $rc"
    cat "$WORK/$1.err"
    return 1
  }
  [ ! -s "$WORK/$1.out" ] || {
    echo "stdout not empty: $(cat "$WORK/$1.out")"
    return 1
  }
  if [ "$(grep -c '^deploy-kubernetes: error: ' "$WORK/$1.err")" != 1 ] ||
    ! grep '^deploy-kubernetes: error: ' "$WORK/$1.err" | grep -qE -- "$3"; then
    echo "no single error line matching /$3/:"
    cat "$WORK/$1.err"
    return 1
  fi
}

deploy ok -- staging "$WORK/refs.txt"
t "deploy: exit 0, stdout is the set now running" same "$(cat "$WORK/refs.txt")" "$(cat "$WORK/ok.out")"
t "deploy: kubectl apply --server-side of the rendered overlay" \
  grep -qxE "ARGV: apply --server-side --field-manager=deploy-kubernetes -f $TMPDIR/deploy-kubernetes\.[^/]+/manifests\.yaml" \
  "$WORK/ok.log"
t "deploy: then rollout status per app, in its namespace, with a timeout" same \
  "ARGV: rollout status deployment/api --namespace nix-sample-staging --timeout 5m
ARGV: rollout status deployment/web --namespace nix-sample-staging --timeout 5m" \
  "$(grep '^ARGV: rollout' "$WORK/ok.log")"
t "deploy: applied every app's image by the digest given" bash -c "
  node '$CHECK' policy digests '$WORK/ok.applied.yaml' &&
  grep -qE ' image: $R/nix-sample-api@$D1\$' '$WORK/ok.applied.yaml' &&
  grep -qE ' image: $R/nix-sample-web@$D2\$' '$WORK/ok.applied.yaml'"
t "deploy: what it applied is the staging overlay, valid and within policy" bash -c "
  node '$CHECK' schema '$WORK/ok.applied.yaml' && for p in ${POLICIES[*]}; do node '$CHECK' policy \$p '$WORK/ok.applied.yaml' || exit 1; done"
t "deploy: kubectl got the kubeconfig in a private file (mode 600)" bash -c "
  [ \$(grep -c '^KUBECONFIG $TMPDIR/deploy-kubernetes\..*/kubeconfig mode 600$' '$WORK/ok.log') = 3 ] &&
  [ \$(grep -c '^KUBECONFIG content ok$' '$WORK/ok.log') = 3 ]"
t "deploy: the kubeconfig's content is in no argv, output or environment of kubectl" bash -c "
  ! grep -q s3cr3t-t0ken '$WORK/ok.log' '$WORK/ok.out' '$WORK/ok.err' && ! grep -q KUBECONFIG_DATA '$WORK/ok.log'"
t "deploy: no temporary file (the kubeconfig) left behind" same "" "$(find "$TMPDIR" -mindepth 1)"

deploy rollout-fails FAKE_ROLLOUT_FAILS=web -- production "$WORK/refs.txt"
t "deploy fails: an app not rolled out (exit 4) is named, with how to roll back" ended rollout-fails 4 \
  "^deploy-kubernetes: error: web did not roll out within 5m .*To roll back, apply the previous set: scripts/deploy-kubernetes.sh production <previous image-refs.txt>"
t "deploy fails: ... after waiting for every app" same 2 "$(grep -c '^ARGV: rollout status' "$WORK/rollout-fails.log")"
deploy apply-fails FAKE_APPLY_FAILS=1 -- production "$WORK/refs.txt"
t "deploy fails: kubectl apply refused (exit 3)" ended apply-fails 3 "kubectl apply failed .*apply the previous set"
t "deploy fails: ... and no rollout waited for" bash -c "! grep -q '^ARGV: rollout' '$WORK/apply-fails.log'"
deploy timeout ROLLOUT_TIMEOUT=90s -- production "$WORK/refs.txt"
t "deploy: ROLLOUT_TIMEOUT reaches rollout status" grep -q -- '--timeout 90s$' "$WORK/timeout.log"

deploy latest -- production "$WORK/refs-latest.txt"
deploy tagged -- production "$WORK/refs-tagged.txt"
deploy missing -- production "$WORK/refs-missing.txt"
deploy unknown -- production "$WORK/refs-unknown.txt"
deploy twice -- production "$WORK/refs-twice.txt"
deploy short -- production "$WORK/refs-short.txt"
deploy no-file -- production "$WORK/nope.txt"
deploy no-overlay -- qa "$WORK/refs.txt"
deploy no-args --
deploy bad-timeout ROLLOUT_TIMEOUT=soon -- production "$WORK/refs.txt"
deploy no-kubeconfig KUBECONFIG_DATA= -- production "$WORK/refs.txt"
deploy kubeconfig-path KUBECONFIG_DATA=/home/ci/.kube/config -- production "$WORK/refs.txt"
t "deploy refuses: a :latest reference (exit 2)" ended latest 2 \
  "refs-latest.txt:2: web's image '.*nix-sample-web:latest' is not pinned by digest"
t "deploy refuses: a tag beside the digest (exit 2)" ended tagged 2 "refs-tagged.txt:2: web's image .*a tag beside the digest"
t "deploy refuses: an app missing from the set (exit 2)" ended missing 2 "has no image for web"
t "deploy refuses: an unknown app (exit 2)" ended unknown 2 "refs-unknown.txt:3: 'db' is not an app \(apps: api web\)"
t "deploy refuses: an app twice (exit 2)" ended twice 2 "refs-twice.txt:3: api is listed twice"
t "deploy refuses: a short digest (exit 2)" ended short 2 "refs-short.txt:1: api's image .* not pinned by digest"
t "deploy refuses: no image-refs file (exit 2)" ended no-file 2 "image-refs file '.*nope.txt' not found"
t "deploy refuses: an unknown overlay (exit 2)" ended no-overlay 2 "unknown overlay 'qa' \(overlays: production staging\)"
t "deploy refuses: no arguments (exit 2)" ended no-args 2 "usage: deploy-kubernetes.sh <overlay> <image-refs-file>"
t "deploy refuses: a bad ROLLOUT_TIMEOUT (exit 2)" ended bad-timeout 2 "ROLLOUT_TIMEOUT must be a duration"
t "deploy refuses: no KUBECONFIG_DATA (exit 2)" ended no-kubeconfig 2 "KUBECONFIG_DATA is not set"
t "deploy refuses: a path where the kubeconfig's content belongs (exit 2)" ended kubeconfig-path 2 \
  "KUBECONFIG_DATA is no kubeconfig \(no clusters\): it must be the file's content"
t "deploy refuses: nothing applied by any refused run" bash -c "
  for n in latest tagged missing unknown twice short no-file no-overlay no-args bad-timeout no-kubeconfig kubeconfig-path; do
    ! grep -qE '^ARGV: (apply|rollout)' '$WORK/'\$n.log || { echo \"\$n applied\"; exit 1; }
  done"
t "deploy: no temporary file left behind by failed runs" same "" "$(find "$TMPDIR" -mindepth 1)"

if command -v shellcheck >/dev/null; then
  t "shellcheck: deploy-kubernetes.sh, app-images.sh and this suite are clean" shellcheck -x -P SCRIPTDIR \
    "$DEPLOY" "$ROOT/proof/smoke/app-images.sh" "$HERE/run.sh"
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
