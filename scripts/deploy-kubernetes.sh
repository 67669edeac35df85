#!/usr/bin/env bash
# Deploy a complete set of images, by digest, to the Kubernetes cluster of one overlay of deploy/kubernetes:
#
#   KUBECONFIG_DATA="$(cat kubeconfig)" [ROLLOUT_TIMEOUT=5m] scripts/deploy-kubernetes.sh <overlay> <image-refs-file>
#
# The image-refs file is what scripts/deploy-set.sh prints: one `<app>=<registry>/<name>@sha256:<64 hex>` line per
# app, for every app (apps/* with a runtime field). The script renders the overlay with kustomize, setting each
# app's image to its digest (kustomize `images:`), refuses anything that is not a digest, then runs
# `kubectl apply --server-side` and waits for every app's `kubectl rollout status` up to ROLLOUT_TIMEOUT. On
# failure it names the apps and how to roll back: apply the previous set.
#
# KUBECONFIG_DATA is the kubeconfig's content (a CI secret): it lives only in a private temporary file, removed at
# exit, never in argv or the repository. stdout: the `<app>=<ref>` lines now running; progress on stderr.
# Exit codes: 2 usage or a bad image-refs file, 3 kubectl apply failed, 4 an app did not roll out.
set -euo pipefail

prog=deploy-kubernetes
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$here/lib/log.sh"
# shellcheck source-path=SCRIPTDIR source=lib/apps.sh
. "$here/lib/apps.sh"

overlays=$apps_root/deploy/kubernetes/overlays
known_overlays() { find "$overlays" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort | paste -sd ' '; }

[ $# -eq 2 ] || die 2 "usage: deploy-kubernetes.sh <overlay> <image-refs-file> (overlays: $(known_overlays))"
overlay=$1 refs_file=$2
if ! [[ $overlay =~ ^[a-z0-9][a-z0-9-]*$ ]] || [ ! -f "$overlays/$overlay/kustomization.yaml" ]; then
  die 2 "unknown overlay '$overlay' (overlays: $(known_overlays))"
fi
namespace=$(sed -n 's/^namespace: *//p' "$overlays/$overlay/kustomization.yaml")
[ -n "$namespace" ] || die 2 "overlays/$overlay/kustomization.yaml sets no namespace"
[ -f "$refs_file" ] || die 2 "image-refs file '$refs_file' not found"
timeout=${ROLLOUT_TIMEOUT:-5m}
[[ $timeout =~ ^[1-9][0-9]*[smh]$ ]] || die 2 "ROLLOUT_TIMEOUT must be a duration like 300s or 5m, not '$timeout'"
[ -n "${KUBECONFIG_DATA-}" ] || die 2 "KUBECONFIG_DATA is not set (the kubeconfig's content, from a secret)"
[[ $KUBECONFIG_DATA == *clusters* ]] ||
  die 2 "KUBECONFIG_DATA is no kubeconfig (no clusters): it must be the file's content, not its path or base64"
command -v kubectl >/dev/null || die 2 "kubectl is not installed"

project=$(project_name) || die 2 "the root package.json has no name"
mapfile -t apps < <(app_names)
[ ${#apps[@]} -gt 0 ] || die 2 "no apps (apps/* with a runtime field)"

# One `<app>=<name>@sha256:<hex>` line per app: no tag, no :latest, no app twice, no app missing or unknown.
declare -A ref_of=()
line_no=0
while IFS= read -r line || [ -n "$line" ]; do
  line_no=$((line_no + 1))
  [ -n "${line//[[:space:]]/}" ] || continue
  app=${line%%=*} ref=${line#*=}
  [ "$app" != "$line" ] || die 2 "$refs_file:$line_no: expected <app>=<ref>@sha256:<digest>, got '$line'"
  [[ " ${apps[*]} " == *" $app "* ]] || die 2 "$refs_file:$line_no: '$app' is not an app (apps: ${apps[*]})"
  [ -z "${ref_of[$app]-}" ] || die 2 "$refs_file:$line_no: $app is listed twice"
  name=${ref%@*} digest=${ref#*@}
if [ "$name" = "$ref" ] || ! [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]]; then
    die 2 "$refs_file:$line_no: $app's image '$ref' is not pinned by digest (<ref>@sha256:<64 hex>)"
  fi
  if ! [[ $name =~ ^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?$ ]] || [[ ${name##*/} == *:* ]]; then
    die 2 "$refs_file:$line_no: $app's image '$name' is not a bare repository name (a tag beside the digest?)"
  fi
  ref_of[$app]=$ref
done <"$refs_file"
for app in "${apps[@]}"; do
  [ -n "${ref_of[$app]-}" ] || die 2 "$refs_file has no image for $app: a deployment ships every app's digest"
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/deploy-kubernetes.XXXXXX") || die 2 "cannot create a temporary directory"
trap 'rm -rf "$scratch"' EXIT
chmod 0700 "$scratch"

# The overlay plus the digests, as kustomize's `images:`. A directory resource must be a relative path: up from
# the scratch directory to / and down to the overlay, both without symlinks (no GNU realpath on macOS).
scratch_dir=$(cd "$scratch" && pwd -P)
overlay_dir=$(cd "$overlays/$overlay" && pwd -P)
up=$(sed -E 's|[^/]+|..|g' <<<"${scratch_dir#/}")
{
  printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n'
  printf '  - %s\n' "$up$overlay_dir"
  printf 'images:\n'
  for app in "${apps[@]}"; do
    ref=${ref_of[$app]}
    printf '  - name: %s\n    newName: %s\n    digest: %s\n' "$project-$app" "${ref%@*}" "${ref#*@}"
  done
} >"$scratch/kustomization.yaml"
kubectl kustomize "$scratch" >"$scratch/manifests.yaml" 2>"$scratch/kustomize.err" ||
  die 2 "cannot render overlays/$overlay: $(tail -n 3 "$scratch/kustomize.err")"
undigested=$(grep -E '^[[:space:]-]*image: ' "$scratch/manifests.yaml" | grep -vE '@sha256:[0-9a-f]{64}"?$' || true)
[ -z "$undigested" ] || die 2 "rendered images without a digest (not from an app's runtime field?): ${undigested//$'\n'/, }"

(
  umask 077
  printf '%s\n' "$KUBECONFIG_DATA" >"$scratch/kubeconfig"
)
export KUBECONFIG=$scratch/kubeconfig
unset KUBECONFIG_DATA

log "applying overlays/$overlay to namespace $namespace: ${apps[*]}"
kubectl apply --server-side --field-manager="$prog" -f "$scratch/manifests.yaml" >&2 ||
  die 3 "kubectl apply failed (above); what it applied before failing stays: fix it and deploy again, or apply the previous set (scripts/deploy-kubernetes.sh $overlay <previous image-refs.txt>)"

failed=()
for app in "${apps[@]}"; do
  log "waiting for $app (up to $timeout)"
  kubectl rollout status "deployment/$app" --namespace "$namespace" --timeout "$timeout" >&2 || failed+=("$app")
done
if [ ${#failed[@]} -gt 0 ]; then
  die 4 "${failed[*]} did not roll out within $timeout (see: kubectl -n $namespace describe deployment/${failed[0]}; kubectl -n $namespace logs deployment/${failed[0]}). The old pods still serve (no pod is removed before its replacement is ready). To roll back, apply the previous set: scripts/deploy-kubernetes.sh $overlay <previous image-refs.txt>"
fi
for app in "${apps[@]}"; do printf '%s=%s\n' "$app" "${ref_of[$app]}"; done
