#!/usr/bin/env bash
# Join one app's per-architecture images, pushed by push-image.sh at <tag>-<arch>, into a multi-arch index at
# <tag> (and every EXTRA_TAGS) and print the index's digest, the one reference that serves every platform:
#
#   REGISTRY=host/namespace TAG=<tag> [EXTRA_TAGS="main …"] [REGISTRY_USER=… REGISTRY_PASSWORD=…] \
#     [REGISTRY_TLS_VERIFY=false] [DIGEST_FILE=path] scripts/push-index.sh <app> <arch>...
#
# An image whose config names another platform than linux/<arch> is refused. Needs skopeo and podman (its
# storage private, removed at exit). Exit codes: 2 usage, 4 login refused, 5 an image missing or the push
# failed, 6 an image of the wrong platform.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"
# shellcheck source-path=SCRIPTDIR source=lib/podman.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/podman.sh"

[ $# -ge 2 ] || die 2 "usage: push-index.sh <app> <arch>... (app one of: ${APPS[*]}; arch e.g. amd64 arm64)"
image_of "$1"
app=$1
shift
arches=()
for arch in "$@"; do
  [[ $arch =~ ^[a-z0-9]+$ ]] || die 2 "'$arch' is not an architecture (e.g. amd64, arm64)"
  [[ " ${arches[*]-} " != *" $arch "* ]] || die 2 "architecture $arch given twice"
  arches+=("$arch")
done
destination=${REGISTRY-}
destination=${destination#docker://}
destination=${destination%/}
[ -n "$destination" ] || die 2 "REGISTRY is not set (e.g. REGISTRY=ghcr.io/<owner>/<repo>)"
host=${destination%%/*}
tag=${TAG-}
[ -n "$tag" ] || die 2 "TAG is not set (the index's tag; the images are at TAG-<arch>)"
valid_tag "$tag" || die 2 "TAG '$tag' is not a valid image tag"
read -ra extra_tags <<<"${EXTRA_TAGS-}"
for t in ${extra_tags[@]+"${extra_tags[@]}"}; do valid_tag "$t" || die 2 "EXTRA_TAGS: '$t' is not a valid image tag"; done
repo=$destination/$image

cleanup_extra=remove_private_podman
private_podman "$scratch"
p() { podman "${podman_private_opts[@]}" --storage-driver vfs --events-backend file "$@"; }
login "$host"

# Each image by digest (read once), with the platform its own config declares.
p manifest create "$image-index" >/dev/null
for arch in "${arches[@]}"; do
  skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$repo:$tag-$arch" >"$scratch/manifest" 2>"$scratch/err" ||
    die 5 "cannot read $repo:$tag-$arch (push it first: TAG=$tag-$arch push-image.sh $app): $(explain "$host" "$scratch/err")"
  digest=$(skopeo manifest-digest "$scratch/manifest")
  skopeo inspect --config --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$repo@$digest" >"$scratch/config" 2>"$scratch/err" ||
    die 5 "cannot read the config of $repo:$tag-$arch: $(explain "$host" "$scratch/err")"
  declared=$(jq -r '"\(.os // "?")/\(.architecture // "?")"' "$scratch/config")
  [ "$declared" = "linux/$arch" ] || die 6 "$repo:$tag-$arch is a $declared image, not linux/$arch"
  p manifest add "${tls_opts[@]}" "${auth_opts[@]}" --os linux --arch "$arch" "$image-index" "docker://$repo@$digest" \
    >/dev/null 2>"$scratch/err" || die 5 "cannot add $repo@$digest to the index: $(explain "$host" "$scratch/err")"
  log "$repo:$tag-$arch is linux/$arch: $digest"
done

# A Docker manifest list (v2s2), the family of the images push-image.sh pushes; the same bytes at every tag.
index_digest=
for t in "$tag" ${extra_tags[@]+"${extra_tags[@]}"}; do
  p manifest push --all --format v2s2 "${tls_opts[@]}" "${auth_opts[@]}" --digestfile "$scratch/digest" \
    "$image-index" "docker://$repo:$t" >/dev/null 2>"$scratch/err" ||
    die 5 "push of the index to $repo:$t failed: $(explain "$host" "$scratch/err")"
  digest=$(cat "$scratch/digest")
  [ -z "$index_digest" ] || [ "$digest" = "$index_digest" ] || die 5 "$repo:$t got $digest, $repo:$tag $index_digest"
  index_digest=$digest
  log "pushed $repo:$t@$digest (${arches[*]})"
done
write_digest_file "$index_digest"
echo "$index_digest"
