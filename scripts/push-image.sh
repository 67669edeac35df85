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
#   - a directory holding nix-sample-<app>.tar.gz (or .tar, or the stream
#     script nix-sample-<app>): what `nix build` of the flake's default package
#     links at ./result.
# The image goes to $REGISTRY/nix-sample-<app>:$TAG.
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

# Empty arrays under `set -u` and ${var,,} need bash 4.4+ (the Nix dev shell
# has it; macOS's /bin/bash 3.2 is too old).
if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  echo "push-image: error: needs bash 4.4 or newer (run it in the dev shell: nix develop)" >&2
  exit 2
fi

# The apps that have images, in one place. Image name: nix-sample-<app>.
readonly APPS=(web api)
readonly IMAGE_PREFIX=nix-sample-

prog=push-image
log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
  local code=$1
  shift
  printf '%s: error: %s\n' "$prog" "$*" >&2
  exit "$code"
}

# Keep the password out of every child's environment: it is handed to skopeo
# on stdin only. Unexported, it stays readable here.
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

# ---- arguments and settings -------------------------------------------------

[ $# -eq 1 ] || die 2 "usage: push-image.sh <app> (one of: ${APPS[*]})"
app=$1
known=false
for a in "${APPS[@]}"; do
  [ "$a" = "$app" ] && known=true
done
$known || die 2 "unknown app '$app' (known apps: ${APPS[*]})"
image=$IMAGE_PREFIX$app

registry=${REGISTRY-}
registry=${registry#docker://}
registry=${registry%/}
[ -n "$registry" ] || die 2 "REGISTRY is not set (e.g. REGISTRY=ghcr.io/<owner>/<repo>)"
registry_host=${registry%%/*}

tag=${TAG:-latest}
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die 2 "TAG '$tag' is not a valid image tag"

user=${REGISTRY_USER-}
if [ -n "$user" ] && [ -z "$password" ]; then
  die 2 "REGISTRY_USER is set but REGISTRY_PASSWORD is empty"
fi
if [ -z "$user" ] && [ -n "$password" ]; then
  die 2 "REGISTRY_PASSWORD is set but REGISTRY_USER is empty"
fi

# TLS stays on unless the user opts out for a plain-http (e.g. local) registry.
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

# Private scratch space: the decompressed archive, the auth file and skopeo's
# digest file live here and are removed however the script ends.
umask 077
scratch=$(mktemp -d "${TMPDIR:-/tmp}/push-image.XXXXXX")
digest_tmp=
cleanup() {
  rm -rf "$scratch"
  if [ -n "$digest_tmp" ]; then rm -f "$digest_tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Some skopeo builds (Debian's 1.9) read neither gzip-compressed archives nor
# pipes, so anything but a plain tar is first turned into one, privately.
magic=$(head -c 2 "$archive" | od -An -tx1 | tr -d ' \n')
ustar=$(head -c 262 "$archive" | tail -c 5)
if [ "$magic" = "1f8b" ]; then
  log "decompressing $archive"
  gzip -dc "$archive" >"$scratch/image.tar" || die 3 "cannot decompress $archive"
  source_tar=$scratch/image.tar
elif [ "$ustar" = "ustar" ]; then
  source_tar=$archive
elif [ "$magic" = "2321" ]; then # "#!": a streamLayeredImage script
  [ -x "$archive" ] || die 3 "$archive looks like a stream script but is not executable"
  log "running stream script $archive"
  "$archive" >"$scratch/image.tar" || die 3 "stream script $archive failed"
  source_tar=$scratch/image.tar
else
  die 3 "$archive is not a docker-archive (expected a tar, a .tar.gz or a streamLayeredImage script)"
fi

# ---- login and push -------------------------------------------------------------

auth_opts=()
if [ -n "$user" ]; then
  authfile=$scratch/auth.json
  # Also in the environment, so nothing skopeo starts falls back to the
  # shared default auth file.
  export REGISTRY_AUTH_FILE=$authfile
  auth_opts=(--authfile "$authfile")
  log "logging in to $registry_host as $user"
  if ! printf '%s' "$password" |
    skopeo login "${tls_opts[@]}" "${auth_opts[@]}" --username "$user" --password-stdin "$registry_host" \
      >/dev/null 2>"$scratch/login.err"; then
    die 4 "login to $registry_host as $user failed: $(explain "$registry_host" "$scratch/login.err")"
  fi
fi

ref=docker://$registry/$image:$tag
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

# Write DIGEST_FILE by rename, so readers see the old digest or the new one,
# never a partial file, and a failure above leaves it untouched.
if [ -n "${DIGEST_FILE-}" ]; then
  digest_dir=$(dirname "$DIGEST_FILE")
  digest_tmp=$(mktemp "$digest_dir/.$(basename "$DIGEST_FILE").XXXXXX") ||
    die 2 "cannot write DIGEST_FILE $DIGEST_FILE"
  printf '%s\n' "$digest" >"$digest_tmp"
  chmod 0644 "$digest_tmp"
  mv -f "$digest_tmp" "$DIGEST_FILE"
  digest_tmp=
fi

printf '%s\n' "$digest"
