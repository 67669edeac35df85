# shellcheck shell=bash
# Shared by push-image.sh, push-index.sh, move-main-tag.sh and print-digest.sh: the apps' image names, errors, credentials, TLS
# settings, a private scratch directory, skopeo login, turning skopeo's error output into one readable line,
# and writing DIGEST_FILE. Source it after setting `prog`.
#
# Credentials come from REGISTRY_USER/REGISTRY_PASSWORD and reach skopeo only on stdin; the login lives in a
# private temporary auth file, deleted on exit. Without them skopeo uses whatever login you already have.

# Set by the sourcing script; read here. What this file defines is read there.
# shellcheck disable=SC2034
: "${prog:?set prog before sourcing lib/registry.sh}"

# Empty arrays under `set -u` and ${var,,} need bash 4.4+ (the Nix dev shell has it; macOS's /bin/bash 3.2 is
# too old).
if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  echo "$prog: error: needs bash 4.4 or newer (run it in the dev shell: nix develop)" >&2
  exit 2
fi

# shellcheck source-path=SCRIPTDIR source=log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"

# The apps that have images: every apps/<name> with a `runtime` field (lib/apps.sh). Image name:
# <project>-<app>, the project being the root package.json's name.
# shellcheck source-path=SCRIPTDIR source=apps.sh
. "$(dirname "${BASH_SOURCE[0]}")/apps.sh"
mapfile -t APPS < <(app_names)
readonly APPS
[ ${#APPS[@]} -gt 0 ] || die 2 "no apps under $apps_root/apps (an app is a directory whose package.json has a runtime field)"
IMAGE_PREFIX=$(project_name)- || die 2 "the root package.json has no name"
readonly IMAGE_PREFIX

# Keep the password out of every child's environment: it is handed to skopeo on stdin only. Unexported, it
# stays readable here.
password=${REGISTRY_PASSWORD-}
export -n REGISTRY_PASSWORD 2>/dev/null || true
unset REGISTRY_PASSWORD

user=${REGISTRY_USER-}
if [ -n "$user" ] && [ -z "$password" ]; then die 2 "REGISTRY_USER is set but REGISTRY_PASSWORD is empty"; fi
if [ -z "$user" ] && [ -n "$password" ]; then die 2 "REGISTRY_PASSWORD is set but REGISTRY_USER is empty"; fi

# TLS stays on unless the user opts out for a plain-http (e.g. local) registry. skopeo spells the option
# --tls-verify for login/inspect and --dest-tls-verify for copy.
tls_opts=()
copy_tls_opts=()
case ${REGISTRY_TLS_VERIFY:-true} in
  true | 1 | yes) ;;
  false | 0 | no)
    tls_opts=(--tls-verify=false)
    copy_tls_opts=(--dest-tls-verify=false)
    ;;
  *) die 2 "REGISTRY_TLS_VERIFY must be true or false, not '${REGISTRY_TLS_VERIFY}'" ;;
esac

# Private scratch space (auth file, error output, temporary archives), removed however the script ends.
# Scripts that need more cleanup add it to `cleanup_extra`.
umask 077
scratch=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
cleanup_extra=:
trap 'rm -rf "$scratch"; if [ -n "$digest_tmp" ]; then rm -f "$digest_tmp"; fi; eval "$cleanup_extra"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Turn a tool's error output into one line that names the likely cause first, then skopeo's own words (never
# the password).
explain() {
  local host=$1 file=$2 text lower cause
  text=$(tr '\n' ' ' <"$file" | sed -E -e 's/ +/ /g' -e 's/^ //' -e 's/ $//' \
    -e 's/^.*level=(fatal|error) msg="(.*)"$/\2/' -e 's/\\"/"/g' -e 's/\\n/ /g' -e 's/ +$//')
  # Masking a very short string would mangle the message; skopeo never prints the password anyway, this is
  # only a second line of defence.
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

# login HOST: with credentials, log in to a private auth file and set auth_opts for later skopeo calls;
# without, leave auth_opts empty (skopeo's own login applies). Exit 4 when the login fails.
auth_opts=()
login() {
  local host=$1
  [ -n "$user" ] || return 0
  # Also in the environment, so nothing skopeo starts falls back to the shared default auth file.
  export REGISTRY_AUTH_FILE=$scratch/auth.json
  auth_opts=(--authfile "$REGISTRY_AUTH_FILE")
  log "logging in to $host as $user"
  if ! printf '%s' "$password" |
    skopeo login "${tls_opts[@]}" "${auth_opts[@]}" --username "$user" --password-stdin "$host" \
      >/dev/null 2>"$scratch/login.err"; then
    die 4 "login to $host as $user failed: $(explain "$host" "$scratch/login.err")"
  fi
}

# image_of APP: sets `image` (<project>-APP), or exits 2 naming the known apps.
image_of() {
  local a
  for a in "${APPS[@]}"; do
    if [ "$a" = "$1" ]; then
      image=$IMAGE_PREFIX$1
      return
    fi
  done
  die 2 "unknown app '$1' (known apps: ${APPS[*]})"
}

# write_digest_file DIGEST: when DIGEST_FILE is set, write DIGEST there by rename, so readers see the old
# digest or the new one, never a partial file; call it only once everything else has succeeded.
digest_tmp=
write_digest_file() {
  [ -n "${DIGEST_FILE-}" ] || return 0
  local digest_dir
  digest_dir=$(dirname "$DIGEST_FILE")
  digest_tmp=$(mktemp "$digest_dir/.$(basename "$DIGEST_FILE").XXXXXX") ||
    die 2 "cannot write DIGEST_FILE $DIGEST_FILE"
  printf '%s\n' "$1" >"$digest_tmp"
  chmod 0644 "$digest_tmp"
  mv -f "$digest_tmp" "$DIGEST_FILE"
  digest_tmp=
}
