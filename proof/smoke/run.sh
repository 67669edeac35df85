#!/usr/bin/env bash
# Cases run in ( ) subshells on purpose, so their settings end with them.
# shellcheck disable=SC2030,SC2031
# Smoke tests: scripts/smoke-image.sh against real containers (podman with runc) and scripts/push-index.sh
# against real Distribution registries on 127.0.0.1.
#
#   bash proof/smoke/run.sh        (REQUIRE_EVERY_SUITE=1 makes missing tools fatal)
#
# The app images are docker-archives written by ./app-images.sh (./image-from-tree.sh; no Docker, no Nix
# build; kept in TEST_CACHE, so proof/kubernetes runs the same ones) from the runtime trees the offline
# rehearsal of proof/nix keeps in $TEST_CACHE/runtime-trees/{web,api} (TEST_CACHE default
# /var/tmp/nix-sample-test-cache), or, when the suite runs alone, from `pnpm build` output laid out as
# nix/app.nix install it; with nix/apps.nix read by nix-instantiate and the `node` on
# PATH (Node.js of .nvmrc) standing in for nodejs-slim. The API image gets DATABASE_URL (smoke-image.sh --env)
# of a throwaway PostgreSQL cluster on 127.0.0.1 (proof/support/postgres-cli.mjs; the containers share the
# host network). Needs root (image layers owned by the app user), podman, runc, docker-registry, skopeo,
# nix-instantiate, node, jq, curl, ss, and PostgreSQL's initdb and pg_ctl.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=smoke
# shellcheck source=../lib.sh
. "$ROOT/proof/lib.sh"
# shellcheck source=../lib-registry.sh
. "$ROOT/proof/lib-registry.sh"

require_tool podman runc docker-registry skopeo nix-instantiate node jq curl ss htpasswd gzip ldd sha256sum
[ "$(id -u)" -eq 0 ] || suite_unavailable "needs root (podman as root, image layers owned by the app user)"
node_major=$(tr -dc '0-9' <"$ROOT/.nvmrc")
[ "$(node -p 'process.versions.node.split(".")[0]')" = "$node_major" ] ||
  suite_unavailable "needs Node.js $node_major as node on PATH (found $(node --version))"

SMOKE=$ROOT/scripts/smoke-image.sh
PUSH=$ROOT/scripts/push-image.sh
INDEX=$ROOT/scripts/push-index.sh
PRINT=$ROOT/scripts/print-digest.sh
SECRET='c0rrect-h0rse-battery-staple'
unset REGISTRY REGISTRY_USER REGISTRY_PASSWORD REGISTRY_TLS_VERIFY IMAGE_ARCHIVE TAG EXTRA_TAGS DIGEST_FILE \
  REGISTRY_AUTH_FILE SMOKE_ENGINE SMOKE_ENGINE_OPTS SMOKE_RUN_OPTS SMOKE_READY_TIMEOUT SMOKE_STOP_TIMEOUT

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nix-sample-smoke-tests.XXXXXX")
SAMPLER_PID=
cleanup() {
  [ -z "$SAMPLER_PID" ] || kill "$SAMPLER_PID" 2>/dev/null || true
  node "$ROOT/proof/support/postgres-cli.mjs" stop "$WORK/postgres" >/dev/null 2>&1 || true
  stop_local_registries
  rm -rf "$WORK"
}
trap cleanup EXIT
chmod 0755 "$WORK"
CAP=$WORK/cap
# The scripts' own temporary files go here, so the suite can check they leave nothing behind.
export TMPDIR=$WORK/tmp
mkdir -p "$CAP" "$TMPDIR" "$WORK/images"

# ended NAME CODE [PATTERN]: the run exited CODE, printed nothing on stdout, and (when given) its one error
# line matches PATTERN.
ended() {
  local name=$1 code=$2 pattern=${3:-} rc errors
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
  [ -n "$pattern" ] || return 0
  errors=$(grep -cE '^[a-z-]+: error: ' "$CAP/$name.err" || true)
  [ "$errors" -eq 1 ] || {
    echo "expected one error line, got $errors:"
    cat "$CAP/$name.err"
    return 1
  }
  grep -E '^[a-z-]+: error: ' "$CAP/$name.err" | grep -qE -- "$pattern" || {
    echo "error line lacks /$pattern/:"
    cat "$CAP/$name.err"
    return 1
  }
}

# digest_out NAME: the run succeeded and stdout is exactly one digest line.
digest_out() {
  [ "$(cat "$CAP/$1.rc")" = 0 ] || {
    echo "exit $(cat "$CAP/$1.rc")"
    cat "$CAP/$1.err"
    return 1
  }
  if ! grep -qxE 'sha256:[0-9a-f]{64}' "$CAP/$1.out" || [ "$(wc -l <"$CAP/$1.out")" -ne 1 ]; then
    echo "stdout is not one digest: $(cat "$CAP/$1.out")"
    return 1
  fi
}

same() { # same EXPECTED GOT: equal, and EXPECTED is not empty (a failed step upstream can't pass here)
  [ -n "$1" ] || {
    echo "nothing expected: an earlier step failed"
    return 1
  }
  [ "$1" = "$2" ] || {
    echo "differ: '$1' vs '$2'"
    return 1
  }
}

nothing_left() { # no temporary file or mount of the scripts remains
  local left
  # (node-compile-cache: Node.js's own, from the suite's helpers and the app build, not the scripts')
  left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 ! -name node-compile-cache)
  [ -z "$left" ] || {
    echo "left behind in TMPDIR:"
    echo "$left"
    return 1
  }
  ! findmnt -rn -o TARGET | grep -F -e "$TMPDIR/" -e /tmp/podman-run. || return 1
  ! compgen -G '/tmp/podman-run.*' || {
    echo "podman runroots left in /tmp:"
    ls -d /tmp/podman-run.*
    return 1
  }
}

# ---- the images ---------------------------------------------------------------------------

# The app images (and nix/apps.nix as settings.json), shared with proof/kubernetes: ./app-images.sh.
I=$WORK/images
S=$I/settings.json
RUNTIME=$WORK/runtime # the node layer, staged once and shared by the fixture images
image() { bash "$HERE/image-from-tree.sh" "$@" "$RUNTIME"; }
rc=0
bash "$HERE/app-images.sh" "$I" || rc=$?
[ "$rc" -ne 3 ] || suite_unavailable "the apps did not build"
t "fixture: API image (.tar.gz) and web image (plain tar) from their runtime trees" \
  test "$rc" -eq 0 -a -s "$I/api.tar.gz" -a -s "$I/web.tar"
t "fixture: the web image declares /tmp and its cache directory writable" same "/tmp /var/cache/nix-sample-web" \
  "$(tar -xOf "$I/web.tar" "$(tar -xOf "$I/web.tar" manifest.json | jq -r '.[0].Config')" | jq -r '.config.Labels["writable-dirs"]')"

# Misbehaving stand-ins: the API's settings with fixture-app.mjs as the tree and FIXTURE_BEHAVIOUR set.
mkdir -p "$WORK/fixture-tree"
cp "$HERE/fixture-app.mjs" "$WORK/fixture-tree/index.mjs"
fixture() { # fixture BEHAVIOUR [JQ_EDIT]: $I/BEHAVIOUR.tar
  jq --arg b "$1" ".apps.api.env.FIXTURE_BEHAVIOUR = \$b | ${2:-.}" "$S" >"$WORK/settings-$1.json"
  image "$I/$1.tar" "$WORK/settings-$1.json" api "$WORK/fixture-tree"
}
for b in good never-ready ignores-sigterm exits-143 writes-outside; do
  t "fixture: stand-in app '$b'" fixture "$b"
done
t "fixture: stand-in app declaring nothing writable" fixture undeclared-tmp '.apps.api.writableDirs = []'
t "fixture: stand-in app running as root" fixture as-root '.user = {name: "root", uid: 0, gid: 0}'
# A valid gzip of a docker-archive cut off after 1 MB (gzip -dc gets SIGPIPE: expected).
(gzip -dc "$I/api.tar.gz" || true) | head -c 1000000 | gzip -1 >"$I/truncated.tar.gz"
head -c 3000000 "$I/api.tar.gz" >"$I/cut.tar.gz"
printf 'not an image\n' >"$I/junk.txt"
tar -cf "$I/not-docker.tar" -C "$HERE" fixture-app.mjs

# ---- smoke-image.sh: the real apps pass ----------------------------------------------------

# The API image refuses to start without a database (NODE_ENV=production): give it one, by name only (--env
# DATABASE_URL reads the value from the environment, as a password would be passed). --owner: if this suite dies
# without its EXIT trap (SIGKILL), a reaper stops the cluster and removes it.
if ! DATABASE_URL=$(node "$ROOT/proof/support/postgres-cli.mjs" start "$WORK/postgres" --owner $$ 2>"$WORK/postgres.err"); then
  t_unavailable "smoke: PostgreSQL for the API image ($(tail -n 1 "$WORK/postgres.err"))"
  DATABASE_URL=postgres://app@127.0.0.1:1/none
fi
export DATABASE_URL

capture api-no-database env -u DATABASE_URL bash "$SMOKE" "$I/api.tar.gz"
t "smoke fails: the API image without DATABASE_URL exits 1 before ready, naming it" \
  ended api-no-database 1 "exited with code 1 before it was ready"
t "smoke fails: ... and its log line says DATABASE_URL must be set" \
  grep -q 'DATABASE_URL: must be set when NODE_ENV=production' "$CAP/api-no-database.err"

capture api bash "$SMOKE" --env DATABASE_URL "$I/api.tar.gz"
t "smoke: the API image passes (exit 0, stdout empty)" ended api 0
t "smoke: API ready on /ready, then exit 0 after SIGTERM" bash -c \
  "grep -q 'ready: GET /ready answered 200' '$CAP/api.err' && grep -q 'exited 0 after SIGTERM' '$CAP/api.err'"

# The paired run, with a sampler of listening sockets: everything the containers open is on loopback.
(while :; do
  ss -Hltn >>"$WORK/listeners" 2>/dev/null || true
  sleep 0.2
done) &
SAMPLER_PID=$!
capture web bash "$SMOKE" --env DATABASE_URL --with "$I/api.tar.gz" "$I/web.tar"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=
t "smoke: the web image passes with the API image (--with)" ended web 0
t "smoke: both containers exit 0 after SIGTERM" same 2 "$(grep -c 'exited 0 after SIGTERM' "$CAP/web.err")"
loopback_only() {
  local ports port seen=0
  ports=$(sed -n 's/.* on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$CAP/web.err")
  [ "$(wc -w <<<"$ports")" -eq 2 ] || {
    echo "expected two ports in the log:"
    cat "$CAP/web.err"
    return 1
  }
  for port in $ports; do
    if grep -qE "[^ ]+:$port " "$WORK/listeners"; then seen=$((seen + 1)); fi
    if grep -E "[^ ]+:$port " "$WORK/listeners" | grep -vqE " 127\.0\.0\.1:$port "; then
      echo "port $port listened beyond loopback:"
      grep -E ":$port " "$WORK/listeners" | sort -u
      return 1
    fi
  done
  [ "$seen" -eq 2 ] || {
    echo "the sampler saw $seen of the two listeners"
    return 1
  }
}
t "smoke: both apps listened on 127.0.0.1 only (their *_HOST/*_PORT overridden)" loopback_only

capture good bash "$SMOKE" "$I/good.tar"
t "smoke: the well-behaved stand-in passes (writes only /tmp, which it declares)" ended good 0

# ---- smoke-image.sh: misbehaving images fail with exit 1 and say why ----------------------------

export SMOKE_READY_TIMEOUT=6 SMOKE_STOP_TIMEOUT=3 # the failures below need not take the full defaults
capture never-ready bash "$SMOKE" "$I/never-ready.tar"
capture ignores-sigterm bash "$SMOKE" "$I/ignores-sigterm.tar"
capture exits-143 bash "$SMOKE" "$I/exits-143.tar"
capture writes-outside bash "$SMOKE" "$I/writes-outside.tar"
capture undeclared-tmp bash "$SMOKE" "$I/undeclared-tmp.tar"
capture as-root bash "$SMOKE" "$I/as-root.tar"
capture truncated bash "$SMOKE" "$I/truncated.tar.gz"
capture cut bash "$SMOKE" "$I/cut.tar.gz"
capture junk bash "$SMOKE" "$I/junk.txt"
capture not-docker bash "$SMOKE" "$I/not-docker.tar"
unset SMOKE_READY_TIMEOUT SMOKE_STOP_TIMEOUT
t "smoke fails: never ready (exit 1)" ended never-ready 1 "was not ready within 6 s \(GET /ready on 127.0.0.1:[0-9]+: 503\)"
t "smoke fails: ignores SIGTERM (exit 1)" ended ignores-sigterm 1 "still running 3 s after SIGTERM"
t "smoke fails: exits 143 on SIGTERM (exit 1)" ended exits-143 1 "exited with code 143 after SIGTERM \(expected 0\)"
t "smoke fails: writes outside its writable directories (exit 1)" ended writes-outside 1 \
  "exited with code 1 before it was ready"
t "smoke fails: writes /tmp without declaring it: no tmpfs but the declared ones (exit 1)" ended undeclared-tmp 1 \
  "exited with code 1 before it was ready"
t "smoke fails: the container's last log lines follow the error" bash -c "grep -q '  | .*EROFS' '$CAP/writes-outside.err' && grep -q '  | .*EROFS' '$CAP/undeclared-tmp.err'"
t "smoke fails: runs as root (exit 1)" ended as-root 1 "runs as root \(config User '0:0'\)"
t "smoke fails: truncated .tar.gz (exit 1)" ended truncated 1 "cannot load the archive|not a docker-archive|manifest"
t "smoke fails: .tar.gz cut short (exit 1)" ended cut 1 "cannot decompress .*cut.tar.gz"
t "smoke fails: not an archive (exit 1)" ended junk 1 "is not a docker-archive"
t "smoke fails: a tar without manifest.json (exit 1)" ended not-docker 1 "not a docker-archive \(no manifest.json\)"

# ---- smoke-image.sh: usage and engine (exit 2) ---------------------------------------------------

capture no-args bash "$SMOKE"
capture with-no-value bash "$SMOKE" --with
capture unknown-option bash "$SMOKE" --fast "$I/good.tar"
capture missing bash "$SMOKE" "$WORK/nope.tar"
capture missing-dep bash "$SMOKE" --with "$WORK/nope.tar" "$I/good.tar"
capture bad-engine env SMOKE_ENGINE=lxc bash "$SMOKE" "$I/good.tar"
capture unset-env env -u NOT_SET_ANYWHERE bash "$SMOKE" --env NOT_SET_ANYWHERE "$I/good.tar"
# A PATH with the tools the script needs but no container engine.
mkdir -p "$WORK/minbin"
for tool in bash env curl jq tar gzip mktemp cat head tail od tr sed grep rm chmod dirname basename sleep seq; do
  ln -sf "$(command -v "$tool")" "$WORK/minbin/$tool"
done
capture no-engine env PATH="$WORK/minbin" bash "$SMOKE" "$I/good.tar"
t "smoke usage: no archive (exit 2)" ended no-args 2 \
  "usage: smoke-image.sh \[--with DEPENDENCY_ARCHIVE\] \[--env NAME\[=VALUE\]\]... ARCHIVE"
t "smoke usage: --env naming an unset variable (exit 2)" ended unset-env 2 "--env NOT_SET_ANYWHERE: NOT_SET_ANYWHERE is not set"
t "smoke usage: --with without an archive (exit 2)" ended with-no-value 2 "--with needs an archive"
t "smoke usage: unknown option (exit 2)" ended unknown-option 2 "unknown option --fast"
t "smoke usage: archive not found (exit 2)" ended missing 2 "image archive .*/nope.tar not found"
t "smoke usage: --with archive not found (exit 2)" ended missing-dep 2 "image archive .*/nope.tar not found"
t "smoke usage: an engine that is not installed (exit 2)" ended bad-engine 2 "no container engine"
t "smoke usage: no container engine (exit 2)" ended no-engine 2 "no container engine: install podman or docker"
t "smoke: no containers, storage, mounts or temporary files left behind" nothing_left

# ---- push-index.sh against real registries --------------------------------------------------

PORT_open='' PORT_auth='' # set by start_local_registry
start_local_registry PORT_open "$WORK/registry-open" open
start_local_registry PORT_auth "$WORK/registry-auth" auth alice "$SECRET"
O=127.0.0.1:$PORT_open
A=127.0.0.1:$PORT_auth

# Two single-platform images of the web app, one per architecture, each with a file naming it.
for arch in amd64 arm64; do
  mkdir -p "$WORK/platform-$arch/etc"
  printf '%s\n' "$arch" >"$WORK/platform-$arch/etc/platform"
  printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/true"]}}' "$arch" >"$WORK/platform-$arch.json"
  bash "$HERE/make-image-archive.sh" "$I/platform-$arch.tar" "$WORK/platform-$arch.json" nix-sample-web:latest \
    "$WORK/platform-$arch"
done

REF=$O/acme/nix-sample-web
(
  export REGISTRY=$O/acme REGISTRY_TLS_VERIFY=false
  for arch in amd64 arm64; do
    IMAGE_ARCHIVE=$I/platform-$arch.tar TAG=c0ffee-$arch capture push-$arch bash "$PUSH" web
  done
  # An amd64 image under an arm64 tag: a mislabelled build.
  IMAGE_ARCHIVE=$I/platform-amd64.tar TAG=mislabelled-arm64 capture push-mislabelled bash "$PUSH" web
  IMAGE_ARCHIVE=$I/platform-amd64.tar TAG=mislabelled-amd64 capture push-mislabelled-amd64 bash "$PUSH" web
  mkdir -p "$WORK/df"
  TAG=c0ffee EXTRA_TAGS=main DIGEST_FILE=$WORK/df/web.txt capture index bash "$INDEX" web amd64 arm64
  TAG=c0ffee capture index-again bash "$INDEX" web amd64 arm64
  printf 'sha256:previous\n' >"$WORK/df/kept.txt"
  TAG=mislabelled DIGEST_FILE=$WORK/df/kept.txt capture index-mislabelled bash "$INDEX" web amd64 arm64
  TAG=c0ffee DIGEST_FILE=$WORK/df/kept.txt capture index-missing-arch bash "$INDEX" web amd64 arm64 riscv64
  TAG=c0ffee capture index-no-arch bash "$INDEX" web
  TAG=c0ffee capture index-unknown-app bash "$INDEX" db amd64
  capture index-no-tag bash "$INDEX" web amd64
  TAG=c0ffee EXTRA_TAGS='main bad:tag' capture index-bad-extra bash "$INDEX" web amd64
  TAG=c0ffee capture index-tls-default env -u REGISTRY_TLS_VERIFY bash "$INDEX" web amd64
)
t "index: per-arch images pushed" bash -c "[ \"\$(cat '$CAP/push-amd64.rc' '$CAP/push-arm64.rc')\" = \$'0\n0' ]"
t "index: stdout is only the index digest" digest_out index
D_INDEX=$(cat "$CAP/index.out")
D_AMD64=$(cat "$CAP/push-amd64.out")
D_ARM64=$(cat "$CAP/push-arm64.out")
t "index: DIGEST_FILE holds the index digest" same "$D_INDEX" "$(cat "$WORK/df/web.txt")"
t "index: the registry serves it at TAG (print-digest.sh)" same "$D_INDEX" \
  "$(REGISTRY_TLS_VERIFY=false bash "$PRINT" "$REF:c0ffee" 2>/dev/null)"
t "index: and at EXTRA_TAGS (main), same digest" same "$D_INDEX" \
  "$(REGISTRY_TLS_VERIFY=false bash "$PRINT" "$REF:main" 2>/dev/null)"
t "index: pushing it again gives the same digest" same "$D_INDEX" "$(cat "$CAP/index-again.out")"
lists_both() {
  skopeo inspect --raw --tls-verify=false "docker://$REF@$D_INDEX" >"$WORK/index.json"
  jq -e --arg a "$D_AMD64" --arg r "$D_ARM64" '
    .mediaType == "application/vnd.docker.distribution.manifest.list.v2+json"
    and (.manifests | length == 2)
    and ([.manifests[] | {digest, platform}] == [
      {digest: $a, platform: {architecture: "amd64", os: "linux"}},
      {digest: $r, platform: {architecture: "arm64", os: "linux"}}])' "$WORK/index.json" >/dev/null || {
    cat "$WORK/index.json"
    return 1
  }
}
t "index: a manifest list of both images, by the digests push-image.sh printed, with their platforms" lists_both
resolves_to() { # resolves_to ARCH DIGEST: a pull of the index for ARCH gets that image and its file
  local arch=$1 digest=$2 layer
  same "$arch" "$(skopeo inspect --tls-verify=false --override-os linux --override-arch "$arch" \
    "docker://$REF@$D_INDEX" | jq -r .Architecture)" || return 1
  rm -rf "$WORK/pulled-$arch"
  skopeo copy -q --src-tls-verify=false --override-os linux --override-arch "$arch" \
    "docker://$REF:main" "dir:$WORK/pulled-$arch" >/dev/null
  same "$digest" "$(skopeo manifest-digest "$WORK/pulled-$arch/manifest.json")" || return 1
  layer=$WORK/pulled-$arch/$(jq -r '.layers[0].digest | ltrimstr("sha256:")' "$WORK/pulled-$arch/manifest.json")
  same "$arch" "$(gzip -dc "$layer" | tar -xOf - ./etc/platform)"
}
t "index: resolved for linux/amd64 it gives the amd64 image" resolves_to amd64 "$D_AMD64"
t "index: resolved for linux/arm64 it gives the arm64 image" resolves_to arm64 "$D_ARM64"

t "index fails: an amd64 image under TAG-arm64 is refused (exit 6)" ended index-mislabelled 6 \
  "nix-sample-web:mislabelled-arm64 is a linux/amd64 image, not linux/arm64"
t "index fails: nothing pushed for a refused set" expect_fail 5 "has no such image" \
  env REGISTRY_TLS_VERIFY=false bash "$PRINT" "$REF:mislabelled"
t "index fails: a missing architecture (exit 5)" ended index-missing-arch 5 \
  "cannot read .*nix-sample-web:c0ffee-riscv64 \(push it first: TAG=c0ffee-riscv64 push-image.sh web\)"
t "index fails: DIGEST_FILE untouched by failed runs" same "sha256:previous" "$(cat "$WORK/df/kept.txt")"
t "index fails: TAG still on the good index after a failed run" same "$D_INDEX" \
  "$(REGISTRY_TLS_VERIFY=false bash "$PRINT" "$REF:c0ffee" 2>/dev/null)"
t "index usage: no architecture (exit 2)" ended index-no-arch 2 "usage: push-index.sh <app> <arch>"
t "index usage: unknown app (exit 2)" ended index-unknown-app 2 "unknown app 'db' \(known apps: api web\)"
t "index usage: TAG missing (exit 2)" ended index-no-tag 2 "TAG is not set"
t "index usage: bad EXTRA_TAGS (exit 2)" ended index-bad-extra 2 "EXTRA_TAGS: 'bad:tag' is not a valid image tag"
t "index fails: TLS verified by default (exit 5)" ended index-tls-default 5 "speaks plain http"

# With credentials: the password reaches the tools on stdin only, and no auth file outlives the run. Shims
# first on PATH record every argv and environment podman and skopeo are given.
mkdir -p "$WORK/shim"
for tool in podman skopeo; do
  cat >"$WORK/shim/$tool" <<EOF
#!/usr/bin/env bash
{ printf 'ARGV: $tool'; printf ' %q' "\$@"; printf '\n'; env | sed 's/^/ENV: /'; } >>"$WORK/shim.log"
exec "$(command -v "$tool")" "\$@"
EOF
  chmod +x "$WORK/shim/$tool"
done
(
  export REGISTRY=$A/acme REGISTRY_TLS_VERIFY=false REGISTRY_USER=alice
  for arch in amd64 arm64; do
    REGISTRY_PASSWORD=$SECRET IMAGE_ARCHIVE=$I/platform-$arch.tar TAG=beef-$arch capture auth-push-$arch bash "$PUSH" web
  done
  export PATH=$WORK/shim:$PATH
  REGISTRY_PASSWORD=$SECRET TAG=beef capture auth-index bash "$INDEX" web amd64 arm64
  REGISTRY_PASSWORD=wrong TAG=beef capture auth-wrong bash "$INDEX" web amd64 arm64
)
t "index with credentials: pushed (auth registry)" digest_out auth-index
t "index with credentials: same index digest as on the open registry (same images)" same "$D_INDEX" \
  "$(cat "$CAP/auth-index.out")"
t "index with credentials: skopeo login got the password on stdin" grep -q 'ARGV: skopeo login .*--password-stdin' "$WORK/shim.log"
t "index with credentials: podman pushed with the private auth file" \
  grep -qE 'ARGV: podman .*manifest push .*--authfile [^ ]+/auth.json' "$WORK/shim.log"
t "index with credentials: the password is in no argv or environment of podman or skopeo" \
  bash -c "! grep -qF -- '$SECRET' '$WORK/shim.log'"
t "index with credentials: the password is in no output" bash -c "! grep -rqF -- '$SECRET' '$CAP'"
t "index fails: wrong password (exit 4)" ended auth-wrong 4 "login to $A as alice failed: registry $A refused the credentials of alice"
t "index: no podman storage, auth file or temporary file left behind" nothing_left

# ---- the scripts themselves ------------------------------------------------------------------

if command -v shellcheck >/dev/null; then
  t "shellcheck: smoke and index scripts and this suite are clean" shellcheck -x -P SCRIPTDIR \
    "$SMOKE" "$INDEX" "$PUSH" "$ROOT/scripts/lib/registry.sh" "$ROOT/scripts/lib/images.sh" \
    "$HERE"/*.sh "$ROOT/proof/lib-registry.sh"
else
  t_unavailable "shellcheck (not installed)"
fi

t_summary
