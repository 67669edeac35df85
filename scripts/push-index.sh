#!/usr/bin/env bash
# Join one app's per-architecture images, pushed by push-image.sh at <tag>-<arch>, into a multi-arch index at
# <tag> (and every EXTRA_TAGS) and print the index's digest, the one reference that serves every platform:
#
#   REGISTRY=host/namespace TAG=<tag> [EXTRA_TAGS="main …"] [REGISTRY_USER=… REGISTRY_PASSWORD=…] \
#     [REGISTRY_TLS_VERIFY=false] [DIGEST_FILE=path] scripts/push-index.sh <app> <arch>...
#
# Needs skopeo and podman (private storage). Exit codes: 2 usage, 4 login refused, 5 an image missing or the
# push failed, 6 an image whose config names another platform than linux/<arch>.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"
# shellcheck source-path=SCRIPTDIR source=lib/images.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/images.sh"

[ $# -ge 2 ] || die 2 "usage: push-index.sh <app> <arch>... (app one of: ${APPS[*]}; arch e.g. amd64 arm64)"
destination_of "$1"
app=$1
shift
[ -n "${TAG-}" ] || die 2 "TAG is not set (the index's tag; the images are at TAG-<arch>)"
read -ra tags <<<"$TAG ${EXTRA_TAGS-}"
for t in "${tags[@]}"; do valid_tag "$t" "TAG or EXTRA_TAGS:"; done

trap 'remove_private_podman; rm -rf "$scratch"' EXIT
private_podman "$scratch"
p() { podman "${podman_opts[@]}" "$@"; }
login "$host"

# Each image by digest (read once), with the platform its own config declares.
p manifest create "$image-index" >/dev/null
for arch in "$@"; do
  skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$repo:$TAG-$arch" >"$scratch/manifest" 2>"$scratch/err" ||
    die 5 "cannot read $repo:$TAG-$arch (push it first: TAG=$TAG-$arch push-image.sh $app): $(explain "$host" "$scratch/err")"
  digest=$(skopeo manifest-digest "$scratch/manifest")
  declared=$(skopeo inspect --config --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$repo@$digest" 2>"$scratch/err" |
    jq -r '"\(.os // "?")/\(.architecture // "?")"') || die 5 "cannot read the config of $repo:$TAG-$arch: $(explain "$host" "$scratch/err")"
  [ "$declared" = "linux/$arch" ] || die 6 "$repo:$TAG-$arch is a $declared image, not linux/$arch"
  p manifest add "${tls_opts[@]}" "${auth_opts[@]}" --os linux --arch "$arch" "$image-index" "docker://$repo@$digest" \
    >/dev/null 2>"$scratch/err" || die 5 "cannot add $repo@$digest to the index: $(explain "$host" "$scratch/err")"
  log "$repo:$TAG-$arch is linux/$arch: $digest"
done

# A Docker manifest list (v2s2), the family of the images push-image.sh pushes; the same bytes at every tag.
for t in "${tags[@]}"; do
  p manifest push --all --format v2s2 "${tls_opts[@]}" "${auth_opts[@]}" --digestfile "$scratch/digest" \
    "$image-index" "docker://$repo:$t" >/dev/null 2>"$scratch/err" ||
    die 5 "push of the index to $repo:$t failed: $(explain "$host" "$scratch/err")"
  log "pushed $repo:$t@$(cat "$scratch/digest") ($*)"
done
done_with "$(cat "$scratch/digest")"
