#!/usr/bin/env bash
# Push a Nix-built image of one app to a registry with skopeo (no Docker daemon) and print its digest:
#
#   [IMAGE_ARCHIVE=./result] REGISTRY=host/namespace [TAG=latest] [REGISTRY_USER=… REGISTRY_PASSWORD=…] \
#     [REGISTRY_TLS_VERIFY=false] [DIGEST_FILE=path] scripts/push-image.sh <app>
#
# The archive (a docker-archive tar or .tar.gz, what `nix build .#image-<app>` links) goes to
# $REGISTRY/<project>-<app>:$TAG. stdout is only the digest; DIGEST_FILE gets it too, once the push succeeded.
# Exit codes: 2 usage, 3 no readable archive, 4 login refused, 5 push failed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"
# shellcheck source-path=SCRIPTDIR source=lib/images.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/images.sh"

[ $# -eq 1 ] || die 2 "usage: push-image.sh <app> (one of: ${APPS[*]})"
destination_of "$1"
tag=${TAG:-latest}
valid_tag "$tag" TAG
archive=${IMAGE_ARCHIVE:-./result}
[ -e "$archive" ] || die 3 "image archive $archive not found (run: nix build .#image-$1, or set IMAGE_ARCHIVE)"
if [ ! -f "$archive" ] || [ ! -r "$archive" ]; then die 3 "image archive $archive is not a readable file"; fi
plain_docker_archive "$archive" "$scratch" 3

login "$host"
log "pushing $archive to $repo:$tag"
skopeo copy --quiet "${copy_tls_opts[@]}" "${auth_opts[@]}" --digestfile "$scratch/digest" \
  "docker-archive:$plain_tar" "docker://$repo:$tag" >&2 2>"$scratch/copy.err" ||
  die 5 "push to $repo:$tag failed: $(explain "$host" "$scratch/copy.err")"
log "pushed $repo:$tag@$(cat "$scratch/digest")"
done_with "$(cat "$scratch/digest")"
