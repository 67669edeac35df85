#!/usr/bin/env bash
# Push a Nix-built image of one app to a registry with skopeo (no Docker daemon)
# and print the digest the registry now serves for it.
#
#   [IMAGE_ARCHIVE=path] REGISTRY=host/namespace [TAG=latest] \
#     [REGISTRY_USER=name REGISTRY_PASSWORD=secret] [DIGEST_FILE=path] \
#     scripts/push-image.sh <app>
#
# The archive is `./result` unless IMAGE_ARCHIVE says otherwise. It may be
#   - a docker-archive tar, plain or gzip-compressed (dockerTools.buildImage /
#     buildLayeredImage), or
#   - a streamLayeredImage script that writes the tar to stdout, or
#   - a directory holding <project>-<app>.tar.gz (or .tar, or the stream
#     script <project>-<app>): what `nix build` of the flake's default package
#     links at ./result.
# The image goes to $REGISTRY/<project>-<app>:$TAG, <project> being the root package.json's name.
#
# stdout carries only the digest (sha256:...), so `digest=$(push-image.sh web)`
# works; progress and errors go to stderr. With DIGEST_FILE set the digest is
# also written there, atomically and only once the push has succeeded, so a
# failed push never leaves an empty or stale-but-rewritten file.
#
# Credentials come from REGISTRY_USER/REGISTRY_PASSWORD and reach skopeo only on
# stdin; the login is kept in a private temporary auth file that is deleted on
# exit. Without them skopeo uses whatever login you already have.
# Plain-http registries need REGISTRY_TLS_VERIFY=false; TLS is verified otherwise.
#
# Exit codes: 2 usage or configuration, 3 archive missing or unreadable,
# 4 login refused or registry unreachable at login, 5 push failed.
set -euo pipefail

prog=push-image
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"
# shellcheck source-path=SCRIPTDIR source=lib/archive.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/archive.sh"

# ---- arguments and settings -------------------------------------------------

[ $# -eq 1 ] || die 2 "usage: push-image.sh <app> (one of: ${APPS[*]})"
image_of "$1"
app=$1

destination=${REGISTRY-}
destination=${destination#docker://}
destination=${destination%/}
[ -n "$destination" ] || die 2 "REGISTRY is not set (e.g. REGISTRY=ghcr.io/<owner>/<repo>)"
registry_host=${destination%%/*}

tag=${TAG:-latest}
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die 2 "TAG '$tag' is not a valid image tag"

# ---- the archive --------------------------------------------------------------

archive=${IMAGE_ARCHIVE:-./result}
if [ -d "$archive" ]; then
  # `nix build` of the default package: a directory with one archive per app.
  dir=$archive
  archive=
  for candidate in "$dir/$image.tar.gz" "$dir/$image.tar" "$dir/$image"; do
    if [ -f "$candidate" ]; then
      archive=$candidate
      break
    fi
  done
  [ -n "$archive" ] || die 3 "no image archive for '$app' in directory $dir (expected $image.tar.gz)"
fi
[ -e "$archive" ] || die 3 "image archive $archive not found (run: nix build .#image-$app, or set IMAGE_ARCHIVE)"
if [ ! -f "$archive" ] || [ ! -r "$archive" ]; then
  die 3 "image archive $archive is not a readable file"
fi
# A bare name would be looked up on PATH when run as a stream script.
case $archive in */*) ;; *) archive=./$archive ;; esac

plain_docker_archive "$archive" "$scratch" 3
source_tar=$plain_tar

# ---- login and push -------------------------------------------------------------

login "$registry_host"

ref=docker://$destination/$image:$tag
log "pushing $archive to ${ref#docker://}"
# skopeo's progress goes to our stderr; its errors are kept for the summary.
if ! skopeo copy --quiet "${copy_tls_opts[@]}" "${auth_opts[@]}" \
  --digestfile "$scratch/digest" "docker-archive:$source_tar" "$ref" \
  >&2 2>"$scratch/copy.err"; then
  die 5 "push to ${ref#docker://} failed: $(explain "$registry_host" "$scratch/copy.err")"
fi

digest=$(cat "$scratch/digest" 2>/dev/null || true)
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die 5 "skopeo reported no digest for ${ref#docker://}"
log "pushed ${ref#docker://}@$digest"

# Only now, after the push succeeded: a failure above leaves DIGEST_FILE untouched.
write_digest_file "$digest"

printf '%s\n' "$digest"
