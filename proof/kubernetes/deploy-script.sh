# shellcheck shell=bash
# scripts/deploy-kubernetes.sh and scripts/image-set.sh against a fake cluster: a kubectl on PATH that keeps each
# Deployment's revisions (the image of each) in a directory, as the API server would. Sourced by ./run.sh (its t,
# same, WORK, TMPDIR, CHECK, DEPLOY). Sets recorded and resolved by image-set.sh go through the real skopeo and a
# local registry (../lib-registry.sh) when docker-registry is installed.

REAL_KUBECTL=$(command -v kubectl)
KUBECONFIG_SECRET='apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: ci, user: {token: s3cr3t-t0ken-4-tests}}]'
FAKE=$WORK/fakebin
mkdir -p "$FAKE"
# Records each call (argv, the kubeconfig it was given); `kustomize` is the real one. FAKE_CLUSTER/<app>.images
# holds one image a revision, <app>.rev the revision running. FAKE_SIGNIN=refused fails every request,
# FAKE_DENIED="verb kind …" what RBAC refuses, FAKE_ROLLOUT_FAILS the apps whose new revision never gets ready.
cat >"$FAKE/kubectl" <<EOF
#!/usr/bin/env bash
set -euo pipefail
{ printf 'ARGV:'; printf ' %s' "\$@"; printf '\n'; } >>"\$FAKE_KUBECTL_LOG"
if [ "\$1" = kustomize ]; then exec "$REAL_KUBECTL" "\$@"; fi
{
  printf 'KUBECONFIG mode %s\n' "\$(stat -c %a "\${KUBECONFIG:-\$HOME/.kube/config}" 2>/dev/null || echo none)"
  if [ "\$(cat "\${KUBECONFIG:-\$HOME/.kube/config}" 2>/dev/null)" = "\$FAKE_EXPECTED_KUBECONFIG" ]; then echo 'KUBECONFIG content ok'; fi
} >>"\$FAKE_KUBECTL_LOG"
if [ "\${FAKE_SIGNIN-}" = refused ]; then
  echo 'error: You must be logged in to the server (the server has asked for the client to provide credentials)' >&2
  exit 1
fi
[ "\$1" = -n ] && shift 2
C=\$FAKE_CLUSTER
case \$1 in
  version) echo 'Client Version: v1.32.4' && echo 'Server Version: v1.32.4' ;;
  auth) if [[ " \${FAKE_DENIED-} " == *" \$3 \$4 "* ]]; then echo no && exit 1; fi && echo yes ;;
  get) cat "\$C/\${2#deployment/}.rev" 2>/dev/null || true ;;
  apply)
    while [ \$# -gt 0 ] && [ "\$1" != -f ]; do shift; done
    cp "\$2" "\$FAKE_APPLIED"
    if [ "\${FAKE_APPLY_FAILS-}" = 1 ]; then echo 'error: the server rejected the request' >&2; exit 1; fi
    awk '/^kind: Deployment/ { d = 1 } d && /^  name: / { n = \$2 } d && /^ +image: / { print n, \$2; d = 0 }' "\$2" |
      while read -r app image; do
        if [ "\$(sed -n "\$(cat "\$C/\$app.rev" 2>/dev/null || echo 0)p" "\$C/\$app.images" 2>/dev/null)" != "\$image" ]; then
          echo "\$image" >>"\$C/\$app.images" && wc -l <"\$C/\$app.images" >"\$C/\$app.rev"
        fi
      done ;;
  rollout)
    app=\${3#deployment/}
    case \$2 in
      status) if [[ " \${FAKE_ROLLOUT_FAILS-} " == *" \$app "* ]] && [ ! -e "\$C/\$app.undone" ]; then
          echo 'error: timed out waiting for the condition' >&2 && exit 1
        fi ;;
      undo) sed -n "\${5}p" "\$C/\$app.images" >>"\$C/\$app.images" && wc -l <"\$C/\$app.images" >"\$C/\$app.rev" && touch "\$C/\$app.undone" ;;
    esac ;;
esac
EOF
chmod +x "$FAKE/kubectl"
if ! command -v kustomize >/dev/null; then
  printf '#!/bin/sh\nexec node %s "$@"\n' "$HERE/kustomize-edit.mjs" >"$FAKE/kustomize"
  chmod +x "$FAKE/kustomize"
fi
D1=sha256:$(printf 'a%.0s' {1..64})
D2=sha256:$(printf 'b%.0s' {1..64})
D3=sha256:$(printf 'c%.0s' {1..64})
R=ghcr.io/nix-sample/nix-sample
printf '%s/nix-sample-api@%s\n%s/nix-sample-web@%s\n' "$R" "$D1" "$R" "$D2" >"$WORK/refs.txt"
printf '%s/nix-sample-api@%s\n%s/nix-sample-web@%s\n' "$R" "$D3" "$R" "$D3" >"$WORK/refs-next.txt"
printf '%s/nix-sample-api@%s\n' "$R" "$D1" >"$WORK/refs-missing.txt"
printf '%s/nix-sample-api:latest\n' "$R" >"$WORK/refs-tag.txt"
printf 'ghcr.io/a-fork/shop/nix-sample-api@%s\nghcr.io/a-fork/shop/nix-sample-web@%s\n' "$D1" "$D2" >"$WORK/refs-fork.txt"
printf '%s/nix-sample-db@%s\n' "$R" "$D1" >"$WORK/refs-unknown.txt"

# deploy NAME [VAR=VALUE...] -- ARGS...: the script with the fake kubectl, on the cluster $WORK/cluster-NAME
# (CLUSTER=other shares another's); keeps out/err/rc/log. HOME has no kubeconfig unless a case writes one.
deploy() {
  local name=$1 rc=0 vars=()
  shift
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  : >"$WORK/$name.log"
  mkdir -p "$WORK/cluster-$name" "$WORK/home-$name"
  env PATH="$FAKE:$PATH" HOME="$WORK/home-$name" FAKE_KUBECTL_LOG="$WORK/$name.log" FAKE_APPLIED="$WORK/$name.applied.yaml" \
    FAKE_CLUSTER="$WORK/cluster-$name" FAKE_EXPECTED_KUBECONFIG="$KUBECONFIG_SECRET" KUBECONFIG_DATA="$KUBECONFIG_SECRET" \
    ${vars[@]+"${vars[@]}"} bash "$DEPLOY" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  echo "$rc" >"$WORK/$name.rc"
}
ended() { # ended NAME CODE PATTERN: exit CODE with an error line matching PATTERN
  if [ "$2" != "$(cat "$WORK/$1.rc")" ] || ! grep '^deploy-kubernetes: error: ' "$WORK/$1.err" | grep -qE -- "$3"; then
    echo "exit $(cat "$WORK/$1.rc"):"
    cat "$WORK/$1.err"
    return 1
  fi
}
applied_nothing() { ! grep -qE '^ARGV: (-n [^ ]+ )?(apply|rollout)' "$WORK/$1.log"; }
running() { # running CLUSTER-DIR: "app image" of every Deployment, as the fake cluster runs them now
  local f
  for f in "$1"/*.rev; do echo "$(basename "$f" .rev) $(sed -n "$(cat "$f")p" "${f%.rev}.images")"; done
}
set_of() { sed -E 's|^.*/nix-sample-([a-z]+)@|\1 &|' "$1"; } # set_of REFS: "app ref" a line, as running prints them

deploy ok -- staging "$WORK/refs.txt"
t "deploy: exit 0" same 0 "$(cat "$WORK/ok.rc")"
t "deploy: checks the cluster answers, then that it may create and patch every kind of the overlay" bash -c "
  grep -q '^ARGV: version --request-timeout' '$WORK/ok.log' &&
  for kind in \$(sed -n 's/^kind: //p' '$WORK/ok.applied.yaml' | tr A-Z a-z | sort -u); do
    grep -qE \"^ARGV: -n nix-sample-staging auth can-i patch \$kind(\\.|\$)\" '$WORK/ok.log' || { echo \"no can-i for \$kind\"; exit 1; }
  done"
t "deploy: kubectl apply --server-side --force-conflicts of the rendered overlay (a rollback's images never conflict)" \
  grep -qE "^ARGV: apply --server-side --force-conflicts --field-manager=deploy-kubernetes -f $TMPDIR/.*/manifests\.yaml" "$WORK/ok.log"
t "deploy: then rollout status of every app, in the overlay's namespace" same \
  "ARGV: -n nix-sample-staging rollout status deployment/api --timeout 5m
ARGV: -n nix-sample-staging rollout status deployment/web --timeout 5m" "$(grep '^ARGV: .*rollout' "$WORK/ok.log")"
t "deploy: the cluster runs every image by the digest given" same "$(set_of "$WORK/refs.txt")" "$(running "$WORK/cluster-ok")"
t "deploy: what it applied is the staging overlay, valid and within policy" bash -c "
  node '$CHECK' schema '$WORK/ok.applied.yaml' &&
  node '$CHECK' policy digests,objects,restricted,probes,grace,volumes,network,dns,spread,secrets '$WORK/ok.applied.yaml'"
t "deploy: kubectl got the kubeconfig in a private file, never in argv or output" bash -c "
  ! grep '^KUBECONFIG mode' '$WORK/ok.log' | grep -qv 'mode 600' && grep -q '^KUBECONFIG content ok$' '$WORK/ok.log' &&
  ! grep -q s3cr3t-t0ken '$WORK/ok.log' '$WORK/ok.out' '$WORK/ok.err'"
t "deploy: the committed overlay untouched, no temporary file left" bash -c "
  git -C '$ROOT' diff --quiet -- deploy && [ -z \"\$(find '$TMPDIR' -mindepth 1)\" ]"

# A sign-in step (gcloud, aws, az) leaves kubectl's own config: used when KUBECONFIG_DATA is unset.
mkdir -p "$WORK/home-signed-in/.kube"
printf '%s\n' "$KUBECONFIG_SECRET" >"$WORK/home-signed-in/.kube/config"
deploy signed-in KUBECONFIG_DATA= -- staging "$WORK/refs.txt"
t "deploy: signed in by a previous step (~/.kube/config), no KUBECONFIG_DATA: deploys with that" bash -c "
  [ \"\$(cat '$WORK/signed-in.rc')\" = 0 ] && grep -q '^KUBECONFIG content ok$' '$WORK/signed-in.log' || cat '$WORK/signed-in.err'"

deploy fork -- staging "$WORK/refs-fork.txt"
t "deploy: images pushed elsewhere (a fork) replace the base's by name" bash -c "
  grep -qE ' image: ghcr.io/a-fork/shop/nix-sample-api@$D1\$' '$WORK/fork.applied.yaml' &&
  grep -qE ' image: ghcr.io/a-fork/shop/nix-sample-web@$D2\$' '$WORK/fork.applied.yaml'"

# The set running, then a next set whose web never gets ready: every app must end on the set before.
deploy rollout-fails -- production "$WORK/refs.txt"
deploy rollout-fails FAKE_ROLLOUT_FAILS=web -- production "$WORK/refs-next.txt"
t "deploy fails: an app not rolled out (exit 4) is named" ended rollout-fails 4 "web did not roll out; the set was rolled back"
t "deploy fails: ... every app of the set is undone to the revision it ran, and waited for" same \
  "ARGV: -n nix-sample-production rollout undo deployment/api --to-revision 1
ARGV: -n nix-sample-production rollout status deployment/api --timeout 5m
ARGV: -n nix-sample-production rollout undo deployment/web --to-revision 1
ARGV: -n nix-sample-production rollout status deployment/web --timeout 5m" \
  "$(sed -n '/rollout undo deployment\/api/,$p' "$WORK/rollout-fails.log" | grep '^ARGV: .*rollout')"
t "deploy fails: ... and the cluster runs the previous set again, every app on its previous digest" same \
  "$(set_of "$WORK/refs.txt")" "$(running "$WORK/cluster-rollout-fails")"
deploy apply-fails FAKE_APPLY_FAILS=1 -- production "$WORK/refs.txt"
t "deploy fails: kubectl apply refused (exit 3)" ended apply-fails 3 "kubectl apply failed"
t "deploy fails: ... and no rollout waited for" bash -c "! grep -q rollout '$WORK/apply-fails.log'"

deploy no-signin KUBECONFIG_DATA= -- production "$WORK/refs.txt"
deploy refused FAKE_SIGNIN=refused -- production "$WORK/refs.txt"
deploy denied FAKE_DENIED="patch poddisruptionbudget.policy create namespace" -- production "$WORK/refs.txt"
deploy missing -- production "$WORK/refs-missing.txt"
deploy tag -- production "$WORK/refs-tag.txt"
deploy no-overlay -- qa "$WORK/refs.txt"
deploy unknown -- production "$WORK/refs-unknown.txt"
deploy no-args --
t "deploy refuses: no sign-in at all (exit 5)" ended no-signin 5 "no cluster sign-in: no KUBECONFIG_DATA, KUBECONFIG or ~/.kube/config"
t "deploy refuses: a sign-in the cluster refuses (exit 5), with kubectl's reason" ended refused 5 \
  "cannot reach the cluster or sign in to it: error: You must be logged in to the server"
t "deploy refuses: signed in without the rights (exit 6), naming each one missing" ended denied 6 \
  "may not, in the overlay's namespace: create namespace, patch poddisruptionbudget.policy$"
t "deploy refuses: an image left without a digest, naming it (exit 2)" ended missing 2 \
  "no digest in .*refs-missing.txt for: ghcr.io/nix-sample/nix-sample/nix-sample-web:digest-not-set"
t "deploy refuses: a tag, not a digest (exit 2)" ended tag 2 "nix-sample-api:latest' is not <registry>/<image>@sha256"
t "deploy refuses: an image no app of the overlay runs (exit 2)" ended unknown 2 "overlays/production runs no image nix-sample-db"
t "deploy refuses: an unknown overlay (exit 2)" ended no-overlay 2 "unknown overlay 'qa' \(overlays: kind production staging\)"
t "deploy refuses: no arguments (exit 2)" ended no-args 2 "usage: deploy-kubernetes.sh <overlay> <image-refs>"
for n in no-signin refused denied missing tag no-overlay no-args unknown; do
  t "deploy refuses: nothing applied by the refused run '$n'" applied_nothing "$n"
done

# ---- sets recorded in a registry, and a rollback by commit ------------------------------------------

SET=$ROOT/scripts/image-set.sh
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
  # shellcheck source=../lib-registry.sh
  . "$ROOT/proof/lib-registry.sh"
  oci_image() { # oci_image DIR LABEL: a minimal OCI layout whose config carries LABEL (a digest of its own)
    local d=$1 cfg layer man
    mkdir -p "$d/blobs/sha256"
    tar -c -T /dev/null | gzip -n >"$d/l" && layer=$(sha256sum <"$d/l" | cut -d' ' -f1) && mv "$d/l" "$d/blobs/sha256/$layer"
    printf '{"architecture":"amd64","os":"linux","config":{"Labels":{"set":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
      "$2" "$(tar -c -T /dev/null | sha256sum | cut -d' ' -f1)" >"$d/c"
    cfg=$(sha256sum <"$d/c" | cut -d' ' -f1) && mv "$d/c" "$d/blobs/sha256/$cfg"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
      "$cfg" "$(stat -c %s "$d/blobs/sha256/$cfg")" "$layer" "$(stat -c %s "$d/blobs/sha256/$layer")" >"$d/m"
    man=$(sha256sum <"$d/m" | cut -d' ' -f1) && mv "$d/m" "$d/blobs/sha256/$man"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' \
      "$man" "$(stat -c %s "$d/blobs/sha256/$man")" >"$d/index.json"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
  }
  PORT_sets=''
  start_local_registry PORT_sets "$WORK/registry-sets" open
  trap 'stop_local_registries; cleanup' EXIT # ./run.sh's cleanup, and this registry
  REG=127.0.0.1:$PORT_sets/acme/shop
  export REGISTRY_TLS_VERIFY=false
  A=$(printf '1%.0s' {1..40}) B=$(printf '2%.0s' {1..40})
  for build in a b; do # two commits' images, pushed as CI pushes them, by digest into image-refs files
    : >"$WORK/set-$build.txt"
    for app in api web; do
      oci_image "$WORK/oci-$app-$build" "$app-$build"
      skopeo copy -q --dest-tls-verify=false "oci:$WORK/oci-$app-$build" "docker://$REG/nix-sample-$app:build-$build" || true
      echo "$REG/nix-sample-$app@$(skopeo inspect --tls-verify=false "docker://$REG/nix-sample-$app:build-$build" | jq -r .Digest)" \
        >>"$WORK/set-$build.txt" || true
    done
  done
  deploy by-commit -- production "$WORK/set-a.txt"
  t "sets: a deployed set is recorded as set-<commit> on each image" bash -c "
    bash '$SET' record $A '$WORK/set-a.txt' 2>&1 &&
    for ref in \$(cat '$WORK/set-a.txt'); do
      [ \"\$(skopeo inspect --tls-verify=false \"docker://\${ref%@*}:set-$A\" | jq -r .Digest)\" = \"\${ref#*@}\" ] || exit 1
    done"
  deploy by-commit -- production "$WORK/set-b.txt"
  bash "$SET" record "$B" "$WORK/set-b.txt" 2>/dev/null || true
  t "sets: resolve <commit> prints that commit's set, by digest" same "$(cat "$WORK/set-a.txt")" \
    "$(REGISTRY=$REG bash "$SET" resolve "$A" 2>&1)"
  REGISTRY=$REG bash "$SET" resolve "$A" >"$WORK/resolved-a.txt" 2>/dev/null || true
  deploy by-commit -- production "$WORK/resolved-a.txt"
  t "sets: rolling back by commit deploys the recorded set: the cluster runs commit A's digests again" same \
    "$(set_of "$WORK/set-a.txt")" "$(running "$WORK/cluster-by-commit")"
  t "sets: a commit never deployed has no set (exit 5)" expect_fail 5 "no set recorded for $(printf '3%.0s' {1..40})" \
    env REGISTRY="$REG" bash "$SET" resolve "$(printf '3%.0s' {1..40})"
  t "sets: a commit that is no full SHA is refused (exit 2)" expect_fail 2 "usage: image-set.sh" \
    env REGISTRY="$REG" bash "$SET" resolve 1111111
  unset REGISTRY_TLS_VERIFY
  stop_local_registries
  trap cleanup EXIT
else
  t_unavailable "sets in a registry: needs docker-registry and skopeo"
fi
