# shellcheck shell=bash disable=SC2034 # variables read by the sourcing scripts
# For push-image.sh, push-index.sh and print-digest.sh: credentials, TLS, a private scratch directory, skopeo
# login, skopeo's errors as one readable line, and DIGEST_FILE. REGISTRY_USER/REGISTRY_PASSWORD reach skopeo only
# on stdin, into a private auth file deleted on exit; without them skopeo uses your own login.
# REGISTRY_TLS_VERIFY=false for a plain-http (local) registry.

# shellcheck source-path=SCRIPTDIR source=log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mapfile -t APPS < <(cd "$root/apps" && for d in */package.json; do echo "${d%/package.json}"; done)
image_of() { # image_of APP: sets `image`, <project>-APP (the root package.json's name), or exits 2
  [[ " ${APPS[*]} " == *" $1 "* ]] || die 2 "unknown app '$1' (known apps: ${APPS[*]})"
  image=$(jq -r .name "$root/package.json")-$1
}
destination_of() { # destination_of APP: sets `image`, `host` and `repo`, $REGISTRY/<project>-APP
  image_of "$1"
  local registry=${REGISTRY-}
  registry=${registry#docker://}
  registry=${registry%/}
  [ -n "$registry" ] || die 2 "REGISTRY is not set (e.g. REGISTRY=ghcr.io/<owner>/<repo>)"
  host=${registry%%/*}
  repo=$registry/$image
}
valid_tag() { [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die 2 "$2 '$1' is not a valid image tag"; }

# The password stays out of every child's environment.
password=${REGISTRY_PASSWORD-}
unset REGISTRY_PASSWORD
user=${REGISTRY_USER-}
if [ -n "$user" ] && [ -z "$password" ]; then die 2 "REGISTRY_USER is set but REGISTRY_PASSWORD is empty"; fi
# skopeo spells it --tls-verify for login/inspect and --dest-tls-verify for copy.
case ${REGISTRY_TLS_VERIFY:-true} in
  true) tls_opts=() copy_tls_opts=() ;;
  false) tls_opts=(--tls-verify=false) copy_tls_opts=(--dest-tls-verify=false) ;;
  *) die 2 "REGISTRY_TLS_VERIFY must be true or false, not '$REGISTRY_TLS_VERIFY'" ;;
esac

umask 077
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

explain() { # explain HOST FILE: a tool's error output as one line, the likely cause first
  local text cause="registry $1 returned an error"
  text=$(tr '\n' ' ' <"$2" | sed -E 's/ +/ /g; s/^.*level=(fatal|error) msg="(.*)"/\2/')
  case ${text,,} in
    *"connection refused"* | *"no such host"* | *"i/o timeout"* | *"network is unreachable"*) cause="registry $1 is unreachable" ;;
    *"http response to https client"*) cause="registry $1 speaks plain http (set REGISTRY_TLS_VERIFY=false if that is intended)" ;;
    *unauthorized* | *"authentication required"* | *"invalid username/password"*)
      cause="registry $1 requires a login (set REGISTRY_USER and REGISTRY_PASSWORD)"
      [ -z "$user" ] || cause="registry $1 refused the credentials of $user" ;;
    *denied* | *forbidden* | *"method not allowed"* | *unsupported*) cause="registry $1 refused the request" ;;
    *"manifest unknown"* | *"name unknown"* | *"not found"*) cause="registry $1 has no such image" ;;
  esac
  printf '%s: %s' "$cause" "${text:0:300}"
}

auth_opts=()
login() { # login HOST: with credentials, into a private auth file that `auth_opts` names; exit 4 when refused
  [ -n "$user" ] || return 0
  export REGISTRY_AUTH_FILE=$scratch/auth.json
  auth_opts=(--authfile "$REGISTRY_AUTH_FILE")
  printf '%s' "$password" | skopeo login "${tls_opts[@]}" "${auth_opts[@]}" --username "$user" --password-stdin "$1" \
    >/dev/null 2>"$scratch/login.err" || die 4 "login to $1 as $user failed: $(explain "$1" "$scratch/login.err")"
}

done_with() { # done_with DIGEST: into DIGEST_FILE, if set, by rename (never a partial file), and on stdout
  if [ -n "${DIGEST_FILE-}" ]; then
    printf '%s\n' "$1" >"$DIGEST_FILE.tmp"
    chmod 0644 "$DIGEST_FILE.tmp"
    mv -f "$DIGEST_FILE.tmp" "$DIGEST_FILE"
  fi
  echo "$1"
}
