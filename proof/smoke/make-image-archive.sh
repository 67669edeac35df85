#!/usr/bin/env bash
# Write a docker-archive (the `docker save` layout nixpkgs' dockerTools emits) from directories, without
# Docker, Nix or network: one layer per directory, in order, and an image config.
#
#   make-image-archive.sh OUT CONFIG_JSON REPO_TAG LAYER_DIR...
#
# CONFIG_JSON is the image config without `rootfs` and `history` (architecture, os, config: User, Env,
# Cmd, ExposedPorts, Labels…); those two are added here from the layers. OUT ending in .gz is gzip-compressed
# (like buildLayeredImage's .tar.gz), anything else is a plain tar.
#
# Layers keep each file's owner and mode as staged (a directory chown'ed to the image user stays so); times
# and order are pinned, so the same input gives the same bytes.
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "usage: make-image-archive.sh OUT CONFIG_JSON REPO_TAG LAYER_DIR..." >&2
  exit 2
fi
out=$1 config_in=$2 repo_tag=$3
shift 3

repro_tar() {
  tar --sort=name --mtime=@1 --numeric-owner --format=posix \
    --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' "$@"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/make-image-archive.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/image"

diff_ids=()
layers=()
for dir in "$@"; do
  [ -d "$dir" ] || {
    echo "make-image-archive: $dir is not a directory" >&2
    exit 2
  }
  repro_tar -cf "$work/layer.tar" -C "$dir" .
  sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  mkdir -p "$work/image/$sha"
  mv "$work/layer.tar" "$work/image/$sha/layer.tar"
  diff_ids+=("sha256:$sha")
  layers+=("$sha/layer.tar")
done

# diff_ids are the sha256 of the uncompressed layer tars, one history entry per layer.
config=$(jq -c --args '. + {
    rootfs: {type: "layers", diff_ids: $ARGS.positional},
    history: [$ARGS.positional[] | {created: "1970-01-01T00:00:01Z", created_by: "make-image-archive"}],
    created: "1970-01-01T00:00:01Z"
  }' "${diff_ids[@]}" <"$config_in")
config_sha=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
printf '%s' "$config" >"$work/image/$config_sha.json"
jq -cn --arg c "$config_sha.json" --arg t "$repo_tag" --args '[{Config: $c, RepoTags: [$t], Layers: $ARGS.positional}]' \
  "${layers[@]}" >"$work/image/manifest.json"

(cd "$work/image" && repro_tar --owner=0 --group=0 -cf "$work/image.tar" -- *)
case $out in
  *.gz) gzip -n -1 -c "$work/image.tar" >"$out" ;;
  *) mv "$work/image.tar" "$out" ;;
esac
