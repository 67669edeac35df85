#!/usr/bin/env bash
# Join the per-architecture images of one app, already pushed by push-image.sh, into one multi-arch image
# index (a Docker manifest list) and print the index's digest: the one reference that serves every platform.
#
#   REGISTRY=host/namespace TAG=<tag> [EXTRA_TAGS="main …"] \
#     [REGISTRY_USER=name REGISTRY_PASSWORD=secret] [REGISTRY_TLS_VERIFY=false] [DIGEST_FILE=path] \
#     scripts/push-index.sh <app> <arch>...
#
# Each <arch> (amd64, arm64, … as OCI names them) must already be at $REGISTRY/<project>-<app>:$TAG-<arch>
# (push-image.sh with TAG=$TAG-<arch>), as a single-platform image whose config says that architecture;
# a mislabelled image is refused. The index lists the images by digest (read once, at the start), with
# the platform their configs declare, and goes to $REGISTRY/<project>-<app>:$TAG and to every tag in
# EXTRA_TAGS (same bytes, same digest).
#
# stdout carries only the index digest (sha256:…), which pulls resolve per platform; DIGEST_FILE, if set,
# gets it too, written atomically once every tag is pushed. Progress and errors go to stderr.
#
# Needs skopeo and podman (`podman manifest`, in a private storage directory removed at exit).
# Credentials as in push-image.sh: REGISTRY_USER/REGISTRY_PASSWORD reach skopeo only on stdin; podman reads
# the same private temporary auth file, deleted on exit. Plain-http registries need REGISTRY_TLS_VERIFY=false.
#
# Exit codes: 2 usage, configuration or a missing tool, 4 login refused or registry unreachable at login,
# 5 a per-architecture image is missing or the push failed, 6 a per-architecture image is not a
# single-platform image of its architecture.
set -euo pipefail

prog=push-index
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"
# shellcheck source-path=SCRIPTDIR source=lib/podman.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/podman.sh"

# ---- arguments and settings -------------------------------------------------

[ $# -ge 2 ] || die 2 "usage: push-index.sh <app> <arch>... (app one of: ${APPS[*]}; arch e.g. amd64 arm64)"
image_of "$1"
shift
arches=()
for arch in "$@"; do
  [[ $arch =~ ^[a-z0-9]+$ ]] || die 2 "'$arch' is not an architecture (e.g. amd64, arm64)"
  for seen in ${arches[@]+"${arches[@]}"}; do
    [ "$seen" != "$arch" ] || die 2 "architecture $arch given twice"
  done
  arches+=("$arch")
done

destination=${REGISTRY-}
destination=${destination#docker://}
destination=${destination%/}
[ -n "$destination" ] || die 2 "REGISTRY is not set (e.g. REGISTRY=ghcr.io/<owner>/<repo>)"
registry_host=${destination%%/*}

valid_tag() { [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; }
tag=${TAG-}
[ -n "$tag" ] || die 2 "TAG is not set (the index's tag; the images are at TAG-<arch>)"
valid_tag "$tag" || die 2 "TAG '$tag' is not a valid image tag"
read -ra extra_tags <<<"${EXTRA_TAGS-}"
for t in ${extra_tags[@]+"${extra_tags[@]}"}; do
  valid_tag "$t" || die 2 "EXTRA_TAGS: '$t' is not a valid image tag"
done

for tool in skopeo podman; do
  command -v "$tool" >/dev/null || die 2 "$tool is not installed"
done
repo=$destination/$image

# Private podman storage: the list is built here, not in the user's storage, and goes at exit. vfs and the
# file events backend work everywhere (rootless, or as root in a container without systemd).
cleanup_extra=remove_private_podman
private_podman "$scratch"
podman_opts=("${podman_private_opts[@]}" --storage-driver vfs --events-backend file)
p() { podman "${podman_opts[@]}" "$@"; }

login "$registry_host"

# ---- the per-architecture images ------------------------------------------------

digests=()
for arch in "${arches[@]}"; do
  ref=$repo:$tag-$arch
  skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$ref" >"$scratch/$arch.manifest" 2>"$scratch/err" ||
    die 5 "cannot read $ref (push it first: TAG=$tag-$arch push-image.sh ${image#"$IMAGE_PREFIX"}): $(explain "$registry_host" "$scratch/err")"
  media_type=$(jq -r '.mediaType // ""' "$scratch/$arch.manifest")
  case $media_type in
    *manifest.list* | *image.index*) die 6 "$ref is already a multi-platform index, not one image" ;;
  esac
  digest=$(skopeo manifest-digest "$scratch/$arch.manifest")
  # The config of exactly that manifest: by digest, so a tag moved meanwhile can't swap it.
  skopeo inspect --config --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$repo@$digest" >"$scratch/$arch.config" 2>"$scratch/err" ||
    die 5 "cannot read the config of $ref: $(explain "$registry_host" "$scratch/err")"
  declared=$(jq -r '"\(.os // "?")/\(.architecture // "?")"' "$scratch/$arch.config")
  [ "$declared" = "linux/$arch" ] || die 6 "$ref is a $declared image, not linux/$arch"
  variant=$(jq -r '.variant // ""' "$scratch/$arch.config")
  log "$ref is linux/$arch${variant:+/$variant}: $digest"
  digests+=("$digest")
done

# ---- the index ---------------------------------------------------------------------

p manifest create "$image-index" >/dev/null 2>"$scratch/err" ||
  die 2 "podman cannot create a manifest list: $(tail -n 1 "$scratch/err")"
for i in "${!arches[@]}"; do
  arch=${arches[$i]}
  variant=$(jq -r '.variant // ""' "$scratch/$arch.config")
  p manifest add "${tls_opts[@]}" "${auth_opts[@]}" --os linux --arch "$arch" ${variant:+--variant "$variant"} \
    "$image-index" "docker://$repo@${digests[$i]}" >/dev/null 2>"$scratch/err" ||
    die 5 "cannot add $repo@${digests[$i]} to the index: $(explain "$registry_host" "$scratch/err")"
done

# v2s2: a Docker manifest list, the same family as the images push-image.sh pushes (skopeo keeps a
# docker-archive's Docker manifest). --all copies the listed images too: they are there already, so only
# their existence is checked.
index_digest=
for t in "$tag" ${extra_tags[@]+"${extra_tags[@]}"}; do
  rm -f "$scratch/digest"
  if ! p manifest push --all --format v2s2 "${tls_opts[@]}" "${auth_opts[@]}" --digestfile "$scratch/digest" \
    "$image-index" "docker://$repo:$t" >/dev/null 2>"$scratch/err"; then
    die 5 "push of the index to $repo:$t failed: $(explain "$registry_host" "$scratch/err")"
  fi
  digest=$(cat "$scratch/digest" 2>/dev/null || true)
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die 5 "podman reported no digest for $repo:$t"
  if [ -z "$index_digest" ]; then
    index_digest=$digest
  elif [ "$digest" != "$index_digest" ]; then
    die 5 "$repo:$t got index $digest, but $repo:$tag has $index_digest"
  fi
  log "pushed $repo:$t@$digest (${arches[*]})"
done

# What the registry now serves for the tag is exactly what was pushed.
skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$repo:$tag" >"$scratch/index.json" 2>"$scratch/err" ||
  die 5 "cannot read back $repo:$tag: $(explain "$registry_host" "$scratch/err")"
served=$(skopeo manifest-digest "$scratch/index.json")
[ "$served" = "$index_digest" ] || die 5 "$repo:$tag serves $served, not the pushed index $index_digest"

write_digest_file "$index_digest"
printf '%s\n' "$index_digest"
