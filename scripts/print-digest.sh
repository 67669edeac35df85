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

# Empty arrays under `set -u` and ${var,,} need bash 4.4+ (the Nix dev shell
# has it; macOS's /bin/bash 3.2 is too old).
if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  echo "print-digest: error: needs bash 4.4 or newer (run it in the dev shell: nix develop)" >&2
  exit 2
fi

prog=print-digest
die() {
  local code=$1
  shift
  printf '%s: error: %s\n' "$prog" "$*" >&2
  exit "$code"
}

# The password goes to skopeo on stdin only, never through its environment.
password=${REGISTRY_PASSWORD-}
export -n REGISTRY_PASSWORD 2>/dev/null || true
unset REGISTRY_PASSWORD

# Turn a tool's error output into one line that names the likely cause
# first, then skopeo's own words (never the password).
explain() {
  local host=$1 file=$2 text lower cause
  text=$(tr '\n' ' ' <"$file" | sed -E -e 's/ +/ /g' -e 's/^ //' -e 's/ $//' \
    -e 's/^.*level=(fatal|error) msg="(.*)"$/\2/' -e 's/\\"/"/g' -e 's/\\n/ /g' -e 's/ +$//')
  # Masking a very short string would mangle the message; skopeo never prints
  # the password anyway, this is only a second line of defence.
  if [ ${#password} -ge 4 ]; then
    text=${text//"$password"/"***"}
  fi
  lower=${text,,}
  case $lower in
    *"connection refused"* | *"no such host"* | *"i/o timeout"* | *"network is unreachable"* | *"connection reset"*)
      cause="registry $host is unreachable" ;;
    *"http response to https client"*)
      cause="registry $host speaks plain http (set REGISTRY_TLS_VERIFY=false if that is intended)" ;;
    *"invalid username/password"* | *"unauthorized"* | *"authentication required"*)
      if [ -n "$user" ]; then
        cause="registry $host refused the credentials of $user"
      else
        cause="registry $host requires a login (set REGISTRY_USER and REGISTRY_PASSWORD)"
      fi
      ;;
    *"denied"* | *"forbidden"* | *"method not allowed"* | *"read-only"* | *"readonly"* | *"unsupported"*)
      cause="registry $host refused the request" ;;
    *"manifest unknown"* | *"name unknown"* | *"not found"*)
      cause="registry $host has no such image" ;;
    *) cause="registry $host returned an error" ;;
  esac
  printf '%s: %s' "$cause" "${text:0:300}"
}

if [ $# -ne 1 ] || [ -z "$1" ]; then die 2 "usage: print-digest.sh <registry/name:tag>"; fi
ref=${1#docker://}
registry_host=${ref%%/*}
[ "$registry_host" != "$ref" ] || die 2 "'$1' names no registry (expected registry/name:tag)"

user=${REGISTRY_USER-}
if [ -n "$user" ] && [ -z "$password" ]; then die 2 "REGISTRY_USER is set but REGISTRY_PASSWORD is empty"; fi
if [ -z "$user" ] && [ -n "$password" ]; then die 2 "REGISTRY_PASSWORD is set but REGISTRY_USER is empty"; fi

tls_opts=()
case ${REGISTRY_TLS_VERIFY:-true} in
  true | 1 | yes) ;;
  false | 0 | no) tls_opts=(--tls-verify=false) ;;
  *) die 2 "REGISTRY_TLS_VERIFY must be true or false, not '${REGISTRY_TLS_VERIFY}'" ;;
esac

umask 077
scratch=$(mktemp -d "${TMPDIR:-/tmp}/print-digest.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

auth_opts=()
if [ -n "$user" ]; then
  export REGISTRY_AUTH_FILE=$scratch/auth.json
  auth_opts=(--authfile "$REGISTRY_AUTH_FILE")
  if ! printf '%s' "$password" |
    skopeo login "${tls_opts[@]}" "${auth_opts[@]}" --username "$user" --password-stdin "$registry_host" \
      >/dev/null 2>"$scratch/login.err"; then
    die 4 "login to $registry_host as $user failed: $(explain "$registry_host" "$scratch/login.err")"
  fi
fi

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
