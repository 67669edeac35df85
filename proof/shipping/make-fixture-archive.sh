#!/usr/bin/env bash
# Write a small docker-archive (the `docker save` layout that nixpkgs' dockerTools
# emits) without Docker, Nix or network, so the shipping tests can push a real
# image to a local registry.
#
#   make-fixture-archive.sh OUT [plain|gzip|stream] [REPO_TAG] [CONTENT]
#
#   plain   OUT is an uncompressed tar        (like buildImage without compression)
#   gzip    OUT is a gzip-compressed tar      (like buildLayeredImage's .tar.gz)
#   stream  OUT is an executable script that writes the tar to stdout
#           (like streamLayeredImage's ./result)
#
# Every timestamp, owner and ordering is pinned, so the same arguments always
# give byte-identical output and therefore the same digest after a push; a
# different CONTENT gives a different image.
set -euo pipefail

out=${1:?usage: make-fixture-archive.sh OUT [plain|gzip|stream] [REPO_TAG] [CONTENT]}
kind=${2:-plain}
repo_tag=${3:-nix-sample-fixture:latest}
content=${4:-hello from a fixture image}

case $kind in plain | gzip | stream) ;; *)
  echo "make-fixture-archive: unknown kind '$kind' (plain, gzip or stream)" >&2
  exit 2
  ;;
esac

# Fixed tar options: what makes the archive reproducible.
repro_tar() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --mode='u=rwX,go=rX' --format=posix --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' "$@"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One layer holding one file.
mkdir -p "$work/rootfs/etc"
printf '%s\n' "$content" >"$work/rootfs/etc/fixture.txt"
repro_tar -cf "$work/layer.tar" -C "$work/rootfs" etc
layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)

mkdir -p "$work/image/$layer_sha"
mv "$work/layer.tar" "$work/image/$layer_sha/layer.tar"

# Image config: diff_ids are the sha256 of the uncompressed layer tars.
config=$(printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"],"Labels":{"org.opencontainers.image.title":"nix-sample-fixture"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:01Z","created_by":"make-fixture-archive"}],"created":"1970-01-01T00:00:01Z"}' "$layer_sha")
config_sha=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
printf '%s' "$config" >"$work/image/$config_sha.json"

printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
  "$config_sha" "$repo_tag" "$layer_sha" >"$work/image/manifest.json"

# Top-level members without a leading ./, as dockerTools writes them;
# --sort=name keeps their order stable.
(cd "$work/image" && repro_tar -cf "$work/image.tar" -- *)

case $kind in
  plain) mv "$work/image.tar" "$out" ;;
  gzip) gzip -n -9 -c "$work/image.tar" >"$out" ;; # -n: no name/mtime in the header
  stream)
    # A self-contained script, like streamLayeredImage's: run it and the tar
    # appears on stdout. The tar travels inside it as base64.
    {
      printf '#!/usr/bin/env bash\n'
      printf '# Fixture stand-in for a streamLayeredImage result: writes a docker-archive to stdout.\n'
      printf 'set -euo pipefail\n'
      printf "base64 -d <<'ARCHIVE'\n"
      base64 "$work/image.tar"
      printf 'ARCHIVE\n'
    } >"$out"
    chmod 0755 "$out"
    ;;
esac
