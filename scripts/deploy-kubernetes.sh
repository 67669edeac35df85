#!/usr/bin/env bash
# Deploy a set of images, by digest, with one overlay of deploy/kubernetes, and wait for every rollout:
#
#   [KUBECONFIG_DATA="$(cat kubeconfig)"] [ROLLOUT_TIMEOUT=5m] scripts/deploy-kubernetes.sh <overlay> <image-refs>
#
# <image-refs>: one `<registry>/<image>@sha256:<digest>` a line, each replacing the base's image of that name (on a
# copy). If any app does not roll out, every app goes back to the revision it ran, so the set stays whole. The
# cluster: KUBECONFIG_DATA (a secret, kept only in a private temporary file), else kubectl's own configuration.
# Exit codes: 2 usage or a bad set, 3 kubectl apply failed, 4 a rollout failed (rolled back), 5 no cluster or
# sign-in, 6 signed in but not allowed to apply.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -eq 2 ] || die 2 "usage: deploy-kubernetes.sh <overlay> <image-refs>"
overlay=$1 refs=$2 timeout=${ROLLOUT_TIMEOUT:-5m}
[ -f "$root/deploy/kubernetes/overlays/$overlay/kustomization.yaml" ] ||
  die 2 "unknown overlay '$overlay' (overlays: $(cd "$root/deploy/kubernetes/overlays" && echo *))"
[ -f "$refs" ] || die 2 "image refs '$refs' not found"
[ -n "${KUBECONFIG_DATA-}${KUBECONFIG-}" ] || [ -f ~/.kube/config ] || die 5 "no cluster sign-in: no KUBECONFIG_DATA, KUBECONFIG or ~/.kube/config"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$root/deploy/kubernetes" "$scratch/"
dir=$scratch/kubernetes/overlays/$overlay
# Matched by the image's last path component, so a fork or a renamed repository pushing elsewhere still deploys.
names=$(kubectl kustomize "$dir" | sed -n 's/^ *image: \([^:@]*\).*/\1/p' | sort -u)
while read -r ref; do
  [ -n "$ref" ] || continue
  [[ $ref =~ ^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9./_-]+@sha256:[0-9a-f]{64}$ ]] ||
    die 2 "'$ref' is not <registry>/<image>@sha256:<digest>"
  image=${ref%@*}
  name=$(grep -m1 -E "(^|/)${image##*/}\$" <<<"$names") || die 2 "overlays/$overlay runs no image ${image##*/}"
  (cd "$dir" && kustomize edit set image "$name=$ref")
done <"$refs"
kubectl kustomize "$dir" >"$scratch/manifests.yaml"
unset_images=$(sed -n '/^ *image: /{/@sha256:/!s/^ *image: //p}' "$scratch/manifests.yaml" | paste -sd ' ')
[ -z "$unset_images" ] || die 2 "no digest in $refs for: $unset_images"

[ -z "${KUBECONFIG_DATA-}" ] ||
  { (umask 077 && printf '%s\n' "$KUBECONFIG_DATA" >"$scratch/kubeconfig") && export KUBECONFIG=$scratch/kubeconfig; }
unset KUBECONFIG_DATA
k() { kubectl -n "$(sed -n 's/^namespace: *//p' "$dir/kustomization.yaml")" "$@"; }
kubectl version --request-timeout=30s >/dev/null 2>"$scratch/err" ||
  die 5 "cannot reach the cluster or sign in to it: $(grep -v '^Client Version' "$scratch/err" | tail -n 1)"
# Server-side apply creates or patches each object: may it, for each kind (<kind>.<group>, as can-i reads it)?
denied=
while read -r kind; do
  for verb in create patch; do k auth can-i "$verb" "$kind" >/dev/null 2>&1 || denied+="${denied:+, }$verb $kind"; done
done < <(awk '/^apiVersion:/ { g = $2 ~ /\// ? "." substr($2, 1, index($2, "/") - 1) : "" }
  /^kind:/ { print tolower($2) g }' "$scratch/manifests.yaml" | sort -u)
[ -z "$denied" ] || die 6 "signed in, but may not, in the overlay's namespace: $denied"
mapfile -t apps < <(awk '/^kind: Deployment/ { d = 1 } d && /^  name: / { print $2; d = 0 }' "$scratch/manifests.yaml")

# The revision each app runs now (none for a new app), to roll the whole set back to.
declare -A before=()
for app in "${apps[@]}"; do
  before[$app]=$(k get "deployment/$app" --ignore-not-found -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
done
log "applying overlays/$overlay"
# --force-conflicts: a rollback (`rollout undo`) owns the images it set; the next deploy takes them back.
kubectl apply --server-side --force-conflicts --field-manager=deploy-kubernetes -f "$scratch/manifests.yaml" >&2 || die 3 "kubectl apply failed (above)"
failed=()
for app in "${apps[@]}"; do k rollout status "deployment/$app" --timeout "$timeout" >&2 || failed+=("$app"); done
[ ${#failed[@]} -gt 0 ] || exit 0

log "${failed[*]} did not roll out within $timeout: rolling every app back"
for app in "${apps[@]}"; do
  [ -z "${before[$app]}" ] || { k rollout undo "deployment/$app" --to-revision "${before[$app]}" >&2 &&
    k rollout status "deployment/$app" --timeout "$timeout" >&2; } || log "deployment/$app: its rollback did not finish"
done
die 4 "${failed[*]} did not roll out; the set was rolled back (kubectl describe deployment/${failed[0]})"
