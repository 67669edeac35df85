#!/usr/bin/env bash
# Cases run in ( ) subshells on purpose, so their settings end with them.
# shellcheck disable=SC2030,SC2031
# Shipping tests: scripts/push-image.sh and scripts/print-digest.sh against real
# Distribution registries on 127.0.0.1 (one open, one with htpasswd auth, one
# read-only, and a port with nothing on it) and the apps' `pnpm image` script
# with a fake `nix`. The pipeline's own scripts and workflows: proof/pipeline.
#
#   bash proof/shipping/run.sh        (REQUIRE_EVERY_SUITE=1 makes missing tools fatal)
#
# PNPM_BIN overrides how pnpm is found.
# Fixture images are generated here (proof/shipping/make-fixture-archive.sh);
# nothing is downloaded. Every registry is stopped by PID on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=shipping # named in require_tool's messages
# shellcheck source=../lib.sh
. "$ROOT/proof/lib.sh"
# shellcheck source=../lib-registry.sh
. "$ROOT/proof/lib-registry.sh"

require_tool docker-registry skopeo htpasswd jq curl git gzip base64 sha256sum

PUSH=$ROOT/scripts/push-image.sh
PRINT=$ROOT/scripts/print-digest.sh
MAKE_FIXTURE=$HERE/make-fixture-archive.sh
REAL_SKOPEO=$(command -v skopeo)
SECRET='Tr0ub4dor-and-3-horses'
# The scripts' own settings must come from each case, not from the caller.
unset REGISTRY REGISTRY_USER REGISTRY_PASSWORD REGISTRY_TLS_VERIFY IMAGE_ARCHIVE TAG DIGEST_FILE REGISTRY_AUTH_FILE

WORK=$(mktemp -d)
PORT_open='' PORT_auth='' PORT_ro='' # set by start_local_registry
SAMPLER_PID=
cleanup() {
  [ -z "$SAMPLER_PID" ] || kill "$SAMPLER_PID" 2>/dev/null || true
  stop_local_registries
  rm -rf "$WORK"
}
trap cleanup EXIT

CAP=$WORK/cap
mkdir -p "$CAP" "$WORK/fixtures" "$WORK/shim"

# ---- helpers ------------------------------------------------------------------

# ok_digest NAME: the run succeeded and stdout is exactly one digest line.
ok_digest() {
  local name=$1
  [ "$(cat "$CAP/$name.rc")" = 0 ] || {
    echo "exit $(cat "$CAP/$name.rc")"
    cat "$CAP/$name.err"
    return 1
  }
  [ "$(wc -l <"$CAP/$name.out")" -eq 1 ] || {
    echo "stdout is not one line:"
    cat "$CAP/$name.out"
    return 1
  }
  grep -qE '^sha256:[0-9a-f]{64}$' "$CAP/$name.out" || {
    echo "stdout is not a digest: $(cat "$CAP/$name.out")"
    return 1
  }
}
digest_of() { cat "$CAP/$1.out"; }

# failed NAME CODE PATTERN: exit CODE, nothing on stdout, exactly one error
# line on stderr and it matches PATTERN.
failed() {
  local name=$1 code=$2 pattern=$3 rc errors
  rc=$(cat "$CAP/$name.rc")
  [ "$rc" = "$code" ] || {
    echo "expected exit $code, got $rc"
    cat "$CAP/$name.err"
    return 1
  }
  [ ! -s "$CAP/$name.out" ] || {
    echo "stdout not empty: $(cat "$CAP/$name.out")"
    return 1
  }
  errors=$(grep -cE '^(push-image|print-digest): error: ' "$CAP/$name.err" || true)
  [ "$errors" -eq 1 ] || {
    echo "expected one error line, got $errors:"
    cat "$CAP/$name.err"
    return 1
  }
  grep -E '^(push-image|print-digest): error: ' "$CAP/$name.err" | grep -qE -- "$pattern" || {
    echo "error line lacks /$pattern/:"
    cat "$CAP/$name.err"
    return 1
  }
}

same() { [ "$1" = "$2" ] || {
  echo "differ: '$1' vs '$2'"
  return 1
}; }

manifest_url() { printf 'http://127.0.0.1:%s/v2/%s/manifests/%s' "$1" "$2" "$3"; }
ACCEPT='Accept: application/vnd.docker.distribution.manifest.v2+json'

# ---- fixtures -------------------------------------------------------------------

F=$WORK/fixtures
bash "$MAKE_FIXTURE" "$F/web.tar" plain nix-sample-web:latest "web fixture"
bash "$MAKE_FIXTURE" "$F/web-again.tar" plain nix-sample-web:latest "web fixture"
bash "$MAKE_FIXTURE" "$F/web.tar.gz" gzip nix-sample-web:latest "web fixture"
bash "$MAKE_FIXTURE" "$F/web-again.tar.gz" gzip nix-sample-web:latest "web fixture"
bash "$MAKE_FIXTURE" "$F/web-stream" stream nix-sample-web:latest "web fixture"
bash "$MAKE_FIXTURE" "$F/api.tar.gz" gzip nix-sample-api:latest "api fixture"
mkdir -p "$F/result-dir"
# Symlinks, as in the linkFarm the flake's default package builds.
ln -s "$F/web.tar.gz" "$F/result-dir/nix-sample-web.tar.gz"
ln -s "$F/api.tar.gz" "$F/result-dir/nix-sample-api.tar.gz"
printf 'not an image\n' >"$F/junk.txt"

t "fixture: plain archive is byte-for-byte reproducible" cmp "$F/web.tar" "$F/web-again.tar"
t "fixture: gzip archive is byte-for-byte reproducible" cmp "$F/web.tar.gz" "$F/web-again.tar.gz"
t "fixture: gzip archive decompresses to the plain one" bash -c "gzip -dc '$F/web.tar.gz' | cmp - '$F/web.tar'"
t "fixture: skopeo reads the plain archive" "$REAL_SKOPEO" inspect "docker-archive:$F/web.tar"

# ---- registries -----------------------------------------------------------------

start_local_registry PORT_open "$WORK/registry-open" open
start_local_registry PORT_auth "$WORK/registry-auth" auth alice "$SECRET"
start_local_registry PORT_ro "$WORK/registry-ro" readonly
PORT_down=$(free_port) # nothing listens here
O=127.0.0.1:$PORT_open

# ---- pushing to an open registry ---------------------------------------------------

(
  export REGISTRY=$O/acme REGISTRY_TLS_VERIFY=false
  IMAGE_ARCHIVE=$F/web.tar capture plain bash "$PUSH" web
  IMAGE_ARCHIVE=$F/web.tar.gz TAG=gz capture gzip bash "$PUSH" web
  IMAGE_ARCHIVE=$F/api.tar.gz TAG=fromdir capture dir-api bash "$PUSH" api
  # ./result by default, as `nix build .#image-web` links it.
  mkdir -p "$WORK/cwd-dir" && ln -s "$F/web.tar.gz" "$WORK/cwd-dir/result"
  cd "$WORK/cwd-dir"
  TAG=fromdir capture dir-web bash "$PUSH" web
)

t "push plain archive: stdout is only the digest" ok_digest plain
t "push logs go to stderr" grep -q "^push-image: pushed $O/acme/nix-sample-web:latest@sha256:" "$CAP/plain.err"
D=$(digest_of plain)
t "push plain: digest == skopeo inspect" same "$D" \
  "$(skopeo inspect --tls-verify=false "docker://$O/acme/nix-sample-web:latest" | jq -r .Digest)"
t "push plain: digest == sha256 of the served manifest" same "$D" \
  "sha256:$(curl -sf -H "$ACCEPT" "$(manifest_url "$PORT_open" acme/nix-sample-web latest)" | sha256sum | cut -d' ' -f1)"
t "push plain: digest == Docker-Content-Digest header" same "$D" \
  "$(curl -sfI -H "$ACCEPT" "$(manifest_url "$PORT_open" acme/nix-sample-web latest)" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')"
capture print-latest env REGISTRY_TLS_VERIFY=false bash "$PRINT" "$O/acme/nix-sample-web:latest"
t "print-digest agrees with the push" ok_digest print-latest
t "print-digest value == pushed digest" same "$D" "$(digest_of print-latest)"
capture print-prefixed env REGISTRY_TLS_VERIFY=false bash "$PRINT" "docker://$O/acme/nix-sample-web:latest"
t "print-digest accepts a docker:// reference" same "$D" "$(digest_of print-prefixed)"

t "push gzip archive (decompressed privately)" ok_digest gzip
t "gzip archive gives the same digest as plain" same "$D" "$(digest_of gzip)"
t "./result by default: web pushed" ok_digest dir-web
t "./result by default: web digest == plain" same "$D" "$(digest_of dir-web)"
t "api pushed to nix-sample-api" ok_digest dir-api
t "api digest differs from web" bash -c "[ '$(digest_of dir-api)' != '$D' ]"
t "api digest == registry's for nix-sample-api:fromdir" same "$(digest_of dir-api)" \
  "$(skopeo inspect --tls-verify=false "docker://$O/acme/nix-sample-api:fromdir" | jq -r .Digest)"
t "TAG picks the tag, default is latest" bash -c \
  "curl -sf http://$O/v2/acme/nix-sample-web/tags/list | jq -e '.tags | sort == [\"fromdir\",\"gz\",\"latest\"]'"

# Pull the image back and compare it with what went in.
check_pulled() {
  local pulled=$WORK/pulled cfg_name
  rm -rf "$pulled"
  skopeo copy -q --src-tls-verify=false "docker://$O/acme/nix-sample-web@$D" "dir:$pulled" >/dev/null
  cfg_name=$(tar -xOf "$F/web.tar" manifest.json | jq -r '.[0].Config')
  tar -xOf "$F/web.tar" "$cfg_name" >"$WORK/orig-config.json"
  cmp "$WORK/orig-config.json" "$pulled/$(jq -r '.config.digest | ltrimstr("sha256:")' "$pulled/manifest.json")"
  local layer diff_id
  layer=$pulled/$(jq -r '.layers[0].digest | ltrimstr("sha256:")' "$pulled/manifest.json")
  diff_id=$(jq -r '.rootfs.diff_ids[0]' "$WORK/orig-config.json")
  same "$diff_id" "sha256:$(gzip -dc "$layer" | sha256sum | cut -d' ' -f1)"
  same "web fixture" "$(gzip -dc "$layer" | tar -xOf - etc/fixture.txt)"
}
t "pull by digest: same config, same layer, same file" check_pulled

# DIGEST_FILE: written after success, atomically, nothing else left behind.
mkdir -p "$WORK/df"
(
  export REGISTRY=$O/acme REGISTRY_TLS_VERIFY=false IMAGE_ARCHIVE=$F/web.tar
  DIGEST_FILE=$WORK/df/.image-digest capture df-ok bash "$PUSH" web
  printf 'sha256:previous\n' >"$WORK/df/.kept"
  REGISTRY=127.0.0.1:$PORT_down/acme DIGEST_FILE=$WORK/df/.kept capture df-down bash "$PUSH" web
  REGISTRY=127.0.0.1:$PORT_ro/acme DIGEST_FILE=$WORK/df/.kept capture df-ro bash "$PUSH" web
  IMAGE_ARCHIVE=$WORK/nope.tar DIGEST_FILE=$WORK/df/.kept capture df-missing bash "$PUSH" web
)
t "DIGEST_FILE holds the digest after a push" same "$D" "$(cat "$WORK/df/.image-digest")"
t "DIGEST_FILE push still prints the digest" same "$D" "$(digest_of df-ok)"
t "DIGEST_FILE unchanged after failed pushes" same "sha256:previous" "$(cat "$WORK/df/.kept")"
t "no temp files left next to DIGEST_FILE" same "" "$(find "$WORK/df" -mindepth 1 -not -name .image-digest -not -name .kept)"

# ---- failures ---------------------------------------------------------------------

(
  export REGISTRY=$O/acme REGISTRY_TLS_VERIFY=false IMAGE_ARCHIVE=$F/web.tar
  capture no-args bash "$PUSH"
  capture unknown-app bash "$PUSH" db
  IMAGE_ARCHIVE=$WORK/nope.tar capture missing-archive bash "$PUSH" web
  IMAGE_ARCHIVE=$F/result-dir capture missing-in-dir bash "$PUSH" nope-app
  mkdir -p "$WORK/empty-dir"
  IMAGE_ARCHIVE=$WORK/empty-dir capture empty-dir bash "$PUSH" web
  IMAGE_ARCHIVE=$F/junk.txt capture junk bash "$PUSH" web
  REGISTRY='' capture no-registry bash "$PUSH" web
  REGISTRY_TLS_VERIFY=maybe capture bad-tls bash "$PUSH" web
  REGISTRY_USER=alice capture user-no-password bash "$PUSH" web
  TAG='bad tag' capture bad-tag bash "$PUSH" web
  REGISTRY=127.0.0.1:$PORT_down/acme capture down bash "$PUSH" web
  REGISTRY=127.0.0.1:$PORT_ro/acme capture readonly bash "$PUSH" web
  # TLS is verified unless the user opts out: a plain-http registry fails.
  unset REGISTRY_TLS_VERIFY
  capture tls-default bash "$PUSH" web
  capture print-tls-default bash "$PRINT" "$O/acme/nix-sample-web:latest"
  REGISTRY_TLS_VERIFY=false capture print-unknown-tag bash "$PRINT" "$O/acme/nix-sample-web:nope"
  REGISTRY_TLS_VERIFY=false capture print-down bash "$PRINT" "127.0.0.1:$PORT_down/acme/nix-sample-web:latest"
  capture print-no-args bash "$PRINT"
  capture print-no-registry bash "$PRINT" nix-sample-web
)
t "fail: no app given (exit 2)" failed no-args 2 "usage: push-image.sh <app>"
t "fail: unknown app (exit 2)" failed unknown-app 2 "unknown app 'db' \(known apps: api web\)"
t "fail: missing archive (exit 3)" failed missing-archive 3 "image archive .*/nope.tar not found"
t "fail: unknown app checked before the archive" failed missing-in-dir 2 "unknown app 'nope-app'"
t "fail: a directory, not an archive (exit 3)" failed empty-dir 3 "image archive .*empty-dir is not a readable file"
t "fail: not a docker-archive (exit 3)" failed junk 3 "is not a docker-archive"
t "fail: REGISTRY missing (exit 2)" failed no-registry 2 "REGISTRY is not set"
t "fail: bad REGISTRY_TLS_VERIFY (exit 2)" failed bad-tls 2 "REGISTRY_TLS_VERIFY must be true or false"
t "fail: user without password (exit 2)" failed user-no-password 2 "REGISTRY_USER is set but REGISTRY_PASSWORD is empty"
t "fail: invalid tag (exit 2)" failed bad-tag 2 "TAG 'bad tag' is not a valid image tag"
t "fail: registry down (exit 5)" failed down 5 "registry 127.0.0.1:$PORT_down is unreachable"
t "fail: read-only registry refuses the push (exit 5)" failed readonly 5 "push to 127.0.0.1:$PORT_ro/acme/nix-sample-web:latest failed: registry 127.0.0.1:$PORT_ro refused the request"
t "fail: TLS verified by default (exit 5)" failed tls-default 5 "speaks plain http \(set REGISTRY_TLS_VERIFY=false"
t "fail: DIGEST_FILE case, registry down" failed df-down 5 "unreachable"
t "fail: DIGEST_FILE case, read-only registry" failed df-ro 5 "refused the request"
t "fail: DIGEST_FILE case, missing archive" failed df-missing 3 "not found"
t "print-digest fail: TLS verified by default (exit 5)" failed print-tls-default 5 "plain http"
t "print-digest fail: unknown tag (exit 5)" failed print-unknown-tag 5 "has no such image"
t "print-digest fail: registry down (exit 5)" failed print-down 5 "unreachable"
t "print-digest fail: no argument (exit 2)" failed print-no-args 2 "usage: print-digest.sh"
t "print-digest fail: reference without registry (exit 2)" failed print-no-registry 2 "names no registry"

# ---- an authenticated registry; the password must not leak ----------------------------

A=127.0.0.1:$PORT_auth
# A skopeo shim first on PATH records every argv and environment it is given,
# and lingers so the /proc sampler below sees each call.
cat >"$WORK/shim/skopeo" <<EOF
#!/usr/bin/env bash
{ printf 'ARGV:'; printf ' %q' "\$@"; printf '\n'; env | sed 's/^/ENV: /'; } >>"$WORK/shim.log"
sleep 0.2
exec "$REAL_SKOPEO" "\$@"
EOF
chmod +x "$WORK/shim/skopeo"

# Sample every process's command line (what ps shows) while the pushes run.
sampler() {
  local f args
  while [ ! -e "$WORK/stop-sampler" ]; do
    for f in /proc/[0-9]*/cmdline; do
      mapfile -d '' -t args 2>/dev/null <"$f" || continue
      [ ${#args[@]} -gt 0 ] && printf '%s\n' "${args[*]}"
    done
  done >>"$WORK/ps.log"
}
sampler &
SAMPLER_PID=$!

mkdir -p "$WORK/auth-tmp" "$WORK/auth-home" "$WORK/auth-xdg"
(
  export PATH=$WORK/shim:$PATH TMPDIR=$WORK/auth-tmp HOME=$WORK/auth-home XDG_RUNTIME_DIR=$WORK/auth-xdg
  export REGISTRY=$A/acme REGISTRY_TLS_VERIFY=false IMAGE_ARCHIVE=$F/web.tar.gz
  capture auth-anon bash "$PUSH" web
  export REGISTRY_USER=alice
  REGISTRY_PASSWORD=${SECRET}x capture auth-wrong bash "$PUSH" web
  printf 'sha256:previous\n' >"$WORK/auth-kept"
  REGISTRY_PASSWORD=${SECRET}x DIGEST_FILE=$WORK/auth-kept capture auth-wrong-df bash "$PUSH" web
  export REGISTRY_PASSWORD=$SECRET
  DIGEST_FILE=$WORK/auth-digest capture auth-ok bash "$PUSH" web
  capture auth-print bash "$PRINT" "$A/acme/nix-sample-web:latest"
  REGISTRY=127.0.0.1:$PORT_down/acme capture auth-down bash "$PUSH" web
  unset REGISTRY_USER REGISTRY_PASSWORD
  capture auth-print-anon bash "$PRINT" "$A/acme/nix-sample-web:latest"
)
touch "$WORK/stop-sampler"
wait "$SAMPLER_PID" || true
SAMPLER_PID=

t "auth: push with credentials" ok_digest auth-ok
t "auth: same image, same digest as on the open registry" same "$D" "$(digest_of auth-ok)"
t "auth: DIGEST_FILE written" same "$D" "$(cat "$WORK/auth-digest")"
t "auth: print-digest with credentials agrees" same "$D" "$(digest_of auth-print)"
t "auth: the registry really requires auth (curl gets 401)" same 401 \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "$ACCEPT" "$(manifest_url "$PORT_auth" acme/nix-sample-web latest)")"
t "fail: push without credentials (exit 5)" failed auth-anon 5 "requires a login \(set REGISTRY_USER and REGISTRY_PASSWORD\)"
t "fail: bad credentials (exit 4)" failed auth-wrong 4 "login to $A as alice failed: registry $A refused the credentials of alice"
t "fail: bad credentials leave DIGEST_FILE unchanged" same "sha256:previous" "$(cat "$WORK/auth-kept")"
t "fail: login to a registry that is down (exit 4)" failed auth-down 4 "unreachable"
t "fail: print-digest without credentials (exit 5)" failed auth-print-anon 5 "requires a login"
t "password went to skopeo login on stdin (--password-stdin)" grep -q -- "--password-stdin" "$WORK/shim.log"
t "password never in skopeo's argv or environment" bash -c "! grep -qF -- '$SECRET' '$WORK/shim.log'"
t "the /proc sampler saw skopeo running" grep -q "skopeo login" "$WORK/ps.log"
t "password never in any process's command line" bash -c "! grep -qF -- '$SECRET' '$WORK/ps.log'"
t "password never in stdout or stderr" bash -c "! grep -rqF -- '$SECRET' '$CAP'"
t "no private files left in TMPDIR" same "" "$(find "$WORK/auth-tmp" -mindepth 1)"
t "no auth file in HOME or XDG_RUNTIME_DIR" same "" "$(find "$WORK/auth-home" "$WORK/auth-xdg" -name 'auth.json' -o -name config.json)"
t "password nowhere under HOME, XDG_RUNTIME_DIR or TMPDIR" bash -c \
  "! grep -rqF -- '$SECRET' '$WORK/auth-home' '$WORK/auth-xdg' '$WORK/auth-tmp'"
t "system auth file untouched" bash -c "! grep -qs '$A' /run/containers/0/auth.json '${XDG_RUNTIME_DIR:-/nonexistent}/containers/auth.json'"

# ---- `pnpm image` with a fake nix ----------------------------------------------------

# A copy of the repository's pieces that `pnpm image` touches, so nothing
# (result link, .image-digest) lands in the real tree.
R=$WORK/repo
mkdir -p "$R/scripts" "$R/apps/web" "$R/apps/api" "$WORK/fakebin" "$WORK/store"
cp "$PUSH" "$R/scripts/push-image.sh"
cp -R "$ROOT/scripts/lib" "$R/scripts/lib"
cp "$ROOT/package.json" "$R/package.json" # the project's name: images are <project>-<app>
cp "$F/web.tar.gz" "$WORK/store/web.tar.gz"
cp "$F/api.tar.gz" "$WORK/store/api.tar.gz"
cat >"$WORK/fakebin/nix" <<EOF
#!/usr/bin/env bash
# Fake nix: \`nix build <flake>#image-<app>\` links ./result to a fixture archive,
# as a real build links it into the store.
set -euo pipefail
printf '%s %s\n' "\$PWD" "\$*" >>"$WORK/nix.log"
[ "\$1" = build ] || { echo "fake nix: only build" >&2; exit 64; }
flake=\${2%%#*} attr=\${2#*#}
[ -f "\$flake/scripts/push-image.sh" ] || { echo "fake nix: \$flake is not the repo root" >&2; exit 1; }
ln -sfn "$WORK/store/\${attr#image-}.tar.gz" result
EOF
chmod +x "$WORK/fakebin/nix"

PNPM_CMD=()
if [ -n "${PNPM_BIN:-}" ]; then
  read -r -a PNPM_CMD <<<"$PNPM_BIN"
elif command -v pnpm >/dev/null 2>&1; then
  PNPM_CMD=(pnpm)
elif [ -x "$ROOT/.tools/pnpm/node_modules/.bin/pnpm" ]; then # where .ci/run installs it
  PNPM_CMD=("$ROOT/.tools/pnpm/node_modules/.bin/pnpm")
fi

run_image() { # APP: run the app's real `image` script in the copy
  local app=$1
  cp "$ROOT/apps/$app/package.json" "$R/apps/$app/package.json"
  cd "$R/apps/$app"
  if [ ${#PNPM_CMD[@]} -gt 0 ]; then
    "${PNPM_CMD[@]}" --silent run image
  else
    # No pnpm yet: run the same script string the way pnpm would.
    bash -c "$(jq -r .scripts.image package.json)"
  fi
}
for app in web api; do
  (
    export PATH=$WORK/fakebin:$PATH REGISTRY=$O/acme REGISTRY_TLS_VERIFY=false TAG=image-test
    capture "image-$app" run_image "$app"
    cp "$R/apps/$app/.image-digest" "$R/apps/$app/.image-digest.after-ok" 2>/dev/null || true
    REGISTRY=127.0.0.1:$PORT_down/acme capture "image-$app-down" run_image "$app"
  )
done
if [ ${#PNPM_CMD[@]} -eq 0 ]; then
  # Before the workspace has pnpm, the script string still gets tested; CI must use pnpm itself.
  if [ "${REQUIRE_EVERY_SUITE:-}" = 1 ]; then t "pnpm is installed (runs \`pnpm run image\`)" false; fi
  echo "note: pnpm not found; ran the image scripts with bash -c"
fi

t "apps' image scripts build then push with DIGEST_FILE" bash -c \
  "for a in web api; do jq -r .scripts.image '$ROOT/apps/'\$a/package.json | grep -qx \"nix build ../..#image-\$a && DIGEST_FILE=.image-digest ../../scripts/push-image.sh \$a\" || { echo \"apps/\$a: \$(jq -r .scripts.image '$ROOT/apps/'\$a/package.json)\"; exit 1; }; done"
t "pnpm image (web): fake nix called with ../..#image-web" grep -q "/apps/web build ../..#image-web$" "$WORK/nix.log"
t "pnpm image (web): exit 0" same 0 "$(cat "$CAP/image-web.rc")"
t "pnpm image (web): .image-digest == registry digest" same \
  "$(skopeo inspect --tls-verify=false "docker://$O/acme/nix-sample-web:image-test" | jq -r .Digest)" \
  "$(cat "$R/apps/web/.image-digest.after-ok")"
t "pnpm image (api): .image-digest == registry digest" same \
  "$(skopeo inspect --tls-verify=false "docker://$O/acme/nix-sample-api:image-test" | jq -r .Digest)" \
  "$(cat "$R/apps/api/.image-digest.after-ok")"
t "pnpm image (web): a failed push exits non-zero" bash -c "[ \"\$(cat '$CAP/image-web-down.rc')\" != 0 ]"
t "pnpm image (web): a failed push keeps .image-digest" cmp "$R/apps/web/.image-digest" "$R/apps/web/.image-digest.after-ok"
t "pnpm image (api): a failed push keeps .image-digest" cmp "$R/apps/api/.image-digest" "$R/apps/api/.image-digest.after-ok"
no_cached_image_task() {
  local f
  for f in "$ROOT/turbo.json" "$ROOT"/apps/*/turbo.json; do
    [ -f "$f" ] || continue
    jq -e '(.tasks.image // null) == null or .tasks.image.cache == false' "$f" >/dev/null ||
      {
        echo "$f: image is a cached turbo task"
        return 1
      }
  done
}
t "image is never a cached turbo task" no_cached_image_task
# Turbo's strict environment mode hands a task only the variables it declares: without the machine's CA and proxy
# settings, a task that downloads (lint:repo's Renovate validator through pnpm dlx) fails behind a TLS proxy.
# shellcheck disable=SC2016 # a jq program
t "turbo passes the CA and proxy variables through to every task" jq -e \
  '.globalPassThroughEnv as $p | ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy", "NO_PROXY"] | all(. as $v | $p | index($v))' \
  "$ROOT/turbo.json"

t_summary
