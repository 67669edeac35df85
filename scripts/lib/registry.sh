# shellcheck shell=bash
# shellcheck disable=SC2034 # image, copy_tls_opts: read by the sourcing scripts
# Shared by push-image.sh, push-index.sh and print-digest.sh: credentials, TLS, a private scratch directory,
# skopeo login, skopeo's errors as one readable line, and DIGEST_FILE. Source it after setting `prog`.
# REGISTRY_USER/REGISTRY_PASSWORD reach skopeo only on stdin, into a private auth file deleted on exit; without
# them skopeo uses your own login. REGISTRY_TLS_VERIFY=false for a plain-http (local) registry.

# shellcheck source-path=SCRIPTDIR source=log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mapfile -t APPS < <(cd "$root/apps" && for d in */package.json; do echo "${d%/package.json}"; done)
# image_of APP: sets `image`, <project>-APP (the root package.json's name), or exits 2 naming the apps.
image_of() {
  [[ " ${APPS[*]} " == *" $1 "* ]] || die 2 "unknown app '$1' (known apps: ${APPS[*]})"
  image=$(jq -r .name "$root/package.json")-$1
}

# The password stays out of every child's environment.
password=${REGISTRY_PASSWORD-}
unset REGISTRY_PASSWORD
user=${REGISTRY_USER-}
if [ -n "$user" ] && [ -z "$password" ]; then die 2 "REGISTRY_USER is set but REGISTRY_PASSWORD is empty"; fi
if [ -z "$user" ] && [ -n "$password" ]; then die 2 "REGISTRY_PASSWORD is set but REGISTRY_USER is empty"; fi

# skopeo spells it --tls-verify for login/inspect and --dest-tls-verify for copy.
tls_opts=()
copy_tls_opts=()
case ${REGISTRY_TLS_VERIFY:-true} in
  true) ;;
  false) tls_opts=(--tls-verify=false) copy_tls_opts=(--dest-tls-verify=false) ;;
  *) die 2 "REGISTRY_TLS_VERIFY must be true or false, not '$REGISTRY_TLS_VERIFY'" ;;
esac
valid_tag() { [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; }

umask 077
scratch=$(mktemp -d)
cleanup_extra=:
trap 'rm -rf "$scratch"; eval "$cleanup_extra"' EXIT

# explain HOST FILE: a tool's error output as one line, the likely cause first.
explain() {
  local text cause
  text=$(tr '\n' ' ' <"$2" | sed -E 's/ +/ /g; s/^.*level=(fatal|error) msg="(.*)"/\2/')
  case ${text,,} in
    *"connection refused"* | *"no such host"* | *"i/o timeout"* | *"network is unreachable"*) cause="registry $1 is unreachable" ;;
    *"http response to https client"*) cause="registry $1 speaks plain http (set REGISTRY_TLS_VERIFY=false if that is intended)" ;;
    *unauthorized* | *"authentication required"* | *"invalid username/password"*)
      if [ -n "$user" ]; then cause="registry $1 refused the credentials of $user"; else cause="registry $1 requires a login (set REGISTRY_USER and REGISTRY_PASSWORD)"; fi ;;
    *denied* | *forbidden* | *"method not allowed"* | *unsupported*) cause="registry $1 refused the request" ;;
    *"manifest unknown"* | *"name unknown"* | *"not found"*) cause="registry $1 has no such image" ;;
    *) cause="registry $1 returned an error" ;;
  esac
  printf '%s: %s' "$cause" "${text:0:300}"
}

# login HOST: with credentials, into a private auth file that `auth_opts` names; exit 4 when refused.
auth_opts=()
login() {
  [ -n "$user" ] || return 0
  export REGISTRY_AUTH_FILE=$scratch/auth.json
  auth_opts=(--authfile "$REGISTRY_AUTH_FILE")
  printf '%s' "$password" | skopeo login "${tls_opts[@]}" "${auth_opts[@]}" --username "$user" --password-stdin "$1" \
    >/dev/null 2>"$scratch/login.err" || die 4 "login to $1 as $user failed: $(explain "$1" "$scratch/login.err")"
}

# write_digest_file DIGEST: to DIGEST_FILE, if set, by rename: never a partial file.
write_digest_file() {
  [ -n "${DIGEST_FILE-}" ] || return 0
  printf '%s\n' "$1" >"$DIGEST_FILE.tmp"
  chmod 0644 "$DIGEST_FILE.tmp"
  mv -f "$DIGEST_FILE.tmp" "$DIGEST_FILE"
}
