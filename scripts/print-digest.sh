#!/usr/bin/env bash
# Print the digest (sha256:...) a registry serves for an image tag, e.g. to
# check what `:latest` points at before deploying by digest.
#
#   [REGISTRY_USER=name REGISTRY_PASSWORD=secret] [REGISTRY_TLS_VERIFY=false] \
#     scripts/print-digest.sh <registry/name:tag>
#
# The digest is the sha256 of the manifest bytes the registry returns, the same
# value push-image.sh prints and `image@sha256:...` references use. stdout
# carries only the digest; errors go to stderr.
# Credentials, if given, reach skopeo only on stdin and live in a private
# temporary auth file deleted on exit; without them skopeo uses your own login.
#
# Exit codes: 2 usage, 4 login refused or registry unreachable at login,
# 5 the registry did not return the manifest.
set -euo pipefail

prog=print-digest
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"

if [ $# -ne 1 ] || [ -z "$1" ]; then die 2 "usage: print-digest.sh <registry/name:tag>"; fi
ref=${1#docker://}
registry_host=${ref%%/*}
[ "$registry_host" != "$ref" ] || die 2 "'$1' names no registry (expected registry/name:tag)"

login "$registry_host"

# Hash the raw manifest ourselves rather than trusting a field of
# `skopeo inspect`: for a multi-platform index, inspect describes one platform's
# image, while the tag's digest is that of the index.
if ! skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$ref" \
  >"$scratch/manifest" 2>"$scratch/inspect.err"; then
  die 5 "cannot read the manifest of $ref: $(explain "$registry_host" "$scratch/inspect.err")"
fi
digest=$(skopeo manifest-digest "$scratch/manifest" 2>"$scratch/inspect.err") ||
  die 5 "cannot compute the digest of $ref: $(explain "$registry_host" "$scratch/inspect.err")"
printf '%s\n' "$digest"
