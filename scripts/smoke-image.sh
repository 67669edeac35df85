#!/usr/bin/env bash
# Smoke-test an app image before it ships: run it the way production does, and check it becomes ready and stops
# cleanly.
#
#   scripts/smoke-image.sh [--with DEPENDENCY_ARCHIVE] [--env NAME[=VALUE]]... ARCHIVE
#
# ARCHIVE (a docker-archive tar or .tar.gz) runs with a read-only root, as the image's own user (never root), a
# tmpfs only at the directories its label `writable-dirs` names, on the host network at a free loopback port (its
# <NAME>_PORT and <NAME>_HOST). GET /ready must answer 2xx within SMOKE_READY_TIMEOUT s (60), then SIGTERM must
# make it exit 0 within SMOKE_STOP_TIMEOUT s (10). --with runs another app's image first and hands ARCHIVE its
# address as <DEP>_URL. --env sets a variable in every container; a bare NAME passes this script's value, so a
# secret stays out of argv. SMOKE_ENGINE: podman (default when installed, with private storage) or docker.
# Exit codes: 0 passed, 1 the image misbehaved (the message says how), 2 usage or no usable engine.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"
# shellcheck source-path=SCRIPTDIR source=lib/archive.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/archive.sh"
# shellcheck source-path=SCRIPTDIR source=lib/podman.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/podman.sh"

usage="usage: smoke-image.sh [--with DEPENDENCY_ARCHIVE] [--env NAME[=VALUE]]... ARCHIVE"
dependency=
extra_env=()
while [ $# -gt 0 ]; do
  case $1 in
    --env)
      [[ ${2-} =~ ^[A-Za-z_][A-Za-z0-9_]*(=.*)?$ ]] || die 2 "--env needs NAME or NAME=VALUE, not '${2-}'; $usage"
      if [[ $2 != *=* ]] && [ -z "${!2+set}" ]; then die 2 "--env $2: $2 is not set in the environment"; fi
      extra_env+=("$2")
      shift 2
      ;;
    --with)
      [ -n "${2-}" ] || die 2 "--with needs an archive; $usage"
      [ -z "$dependency" ] || die 2 "--with given twice: one dependency at most"
      dependency=$2
      shift 2
      ;;
    -*) die 2 "unknown option $1; $usage" ;;
    *) break ;;
  esac
done
if [ $# -ne 1 ] || [ -z "$1" ]; then die 2 "$usage"; fi
archive=$1
for f in "$archive" ${dependency:+"$dependency"}; do
  [ -f "$f" ] || die 2 "image archive $f not found"
done
seconds() { # seconds NAME DEFAULT
  [[ ${!1:-$2} =~ ^[1-9][0-9]{0,3}$ ]] || die 2 "$1 must be a whole number of seconds (1-9999), not '${!1}'"
  echo "${!1:-$2}"
}
ready_timeout=$(seconds SMOKE_READY_TIMEOUT 60)
stop_timeout=$(seconds SMOKE_STOP_TIMEOUT 10)

engine=${SMOKE_ENGINE:-$(command -v podman >/dev/null && echo podman || echo docker)}
case $engine in podman | docker) ;; *) die 2 "SMOKE_ENGINE must be podman or docker, not '$engine'" ;; esac
command -v "$engine" >/dev/null || die 2 "no container engine: install podman or docker (or set SMOKE_ENGINE)"

umask 077
scratch=$(mktemp -d)
containers=()
images=()
cleanup() {
  local c
  for c in ${containers[@]+"${containers[@]}"}; do e rm -f "$c" >/dev/null 2>&1 || true; done
  for c in ${images[@]+"${images[@]}"}; do e rmi -f "$c" >/dev/null 2>&1 || true; done
  remove_private_podman
  rm -rf "$scratch"
}
trap cleanup EXIT

engine_opts=()
run_opts=()
if [ "$engine" = podman ]; then
  # vfs, cgroupfs and file events work everywhere, even as root in a container without systemd.
  private_podman "$scratch"
  engine_opts=("${podman_private_opts[@]}" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
  run_opts=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --read-only-tmpfs=false)
  if command -v runc >/dev/null; then run_opts+=(--runtime runc); fi
fi
e() { "$engine" "${engine_opts[@]}" "$@"; }
e info >/dev/null 2>"$scratch/info.err" || die 2 "$engine does not work here: $(tail -n 1 "$scratch/info.err")"

# load KEY ARCHIVE: checks the image config, loads it; sets `ref`, and $scratch/KEY.json for `start`.
load() {
  local key=$1 dir=$scratch/$1 config user d
  mkdir -p "$dir"
  plain_docker_archive "$2" "$dir" 1
  config=$(tar -xOf "$plain_tar" manifest.json 2>/dev/null | jq -er '.[0].Config') ||
    die 1 "$2 is a tar but not a docker-archive (no manifest.json)"
  # The app's port variable: the *_PORT of its Env holding the port it exposes.
  tar -xOf "$plain_tar" "$config" | jq '.config as $c | ($c.ExposedPorts // {} | keys[0] // "" | split("/")[0]) as $port
    | {name: ([$c.Env[]? | capture("^(?<n>[A-Z][A-Z0-9_]*)_PORT=(?<v>.*)$") | select(.v == $port) | .n] | first),
       user: ($c.User // ""), writable: (($c.Labels // {})["writable-dirs"] // "")}' >"$scratch/$key.json"
  jq -e '.name != null' "$scratch/$key.json" >/dev/null || die 1 "$2: no <NAME>_PORT variable holds its exposed port"
  user=$(jq -r .user "$scratch/$key.json")
  case $user in "" | root | 0 | root:* | 0:*) die 1 "$2 runs as root (config User '$user'): set a non-root User" ;; esac
  for d in $(jq -r .writable "$scratch/$key.json"); do
    [[ $d =~ ^/[A-Za-z0-9._/-]*$ && ! $d =~ (^|/)\.\.?(/|$) ]] || die 1 "$2: label writable-dirs holds '$d'"
  done
  e load -i "$plain_tar" >"$dir/load.out" 2>"$dir/load.err" || die 1 "$engine cannot load the archive $2: $(tail -n 1 "$dir/load.err")"
  ref=$(sed -n 's/^Loaded image[^:]*: //p' "$dir/load.out" | tail -n 1)
  images+=("$ref")
  rm -f "$dir/image.tar"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # below Linux's ephemeral range, so no outgoing connection takes it meanwhile
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    if port_free "$port"; then
      echo "$port"
      return
    fi
  done
  die 2 "no free loopback port found"
}

fail() { # fail CONTAINER MESSAGE: the message, then the container's last log lines
  printf '%s: error: %s\n' "$prog" "$2" >&2
  e logs --tail 30 "$1" 2>&1 | sed 's/^/  | /' >&2 || true
  exit 1
}

# start KEY REF PORT ENV...: sets `container`.
start() {
  local key=$1 ref=$2 port=$3 name d opts=()
  shift 3
  name=$(jq -r .name "$scratch/$key.json")
  for d in $(jq -r .writable "$scratch/$key.json"); do opts+=(--tmpfs "$d:rw,nosuid,nodev,noexec,size=256m,mode=1777"); done
  for d in ${extra_env[@]+"${extra_env[@]}"} "$@"; do opts+=(-e "$d"); done
  container=smoke-$key-$$-$RANDOM
  containers+=("$container")
  e run --name "$container" --detach --network host --read-only -e "${name}_HOST=127.0.0.1" -e "${name}_PORT=$port" \
    "${opts[@]}" ${run_opts[@]+"${run_opts[@]}"} "$ref" >/dev/null 2>"$scratch/run.err" ||
    die 1 "$engine cannot start $ref: $(tail -n 1 "$scratch/run.err")"
  log "started $ref as $container on 127.0.0.1:$port"
}

wait_ready() { # wait_ready CONTAINER PORT KEY
  local deadline=$((SECONDS + ready_timeout)) code hint=
  while :; do
    if [ "$(e inspect --format '{{.State.Running}}' "$1")" != true ]; then
      e logs "$1" >"$scratch/early.log" 2>&1 || true
      if grep -qiE 'EROFS|read-only file system' "$scratch/early.log"; then
        hint="; it tried to write outside its writable directories ($(jq -r '.writable | select(. != "") // "none declared"' "$scratch/$3.json"))"
      fi
      fail "$1" "$1 exited with code $(e inspect --format '{{.State.ExitCode}}' "$1") before it was ready$hint"
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$2/ready" || true)
    case $code in 2??)
      log "$1 ready: GET /ready answered $code"
      return
      ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] ||
      fail "$1" "$1 was not ready within $ready_timeout s (GET /ready on 127.0.0.1:$2: ${code/000/no answer})"
    sleep 0.5
  done
}

stop() { # stop CONTAINER: SIGTERM, then exit 0 in time
  local code
  e kill --signal TERM "$1" >/dev/null 2>&1 || true
  code=$(timeout "$stop_timeout" "$engine" "${engine_opts[@]}" wait "$1" 2>/dev/null | tail -n 1) ||
    fail "$1" "$1 was still running $stop_timeout s after SIGTERM (it must drain and exit)"
  [ "$code" = 0 ] || fail "$1" "$1 exited with code $code after SIGTERM (expected 0)"
  log "$1 exited 0 after SIGTERM"
}

main_env=()
if [ -n "$dependency" ]; then
  load dep "$dependency"
  dep_port=$(free_port)
  start dep "$ref" "$dep_port"
  dep_container=$container
  wait_ready "$dep_container" "$dep_port" dep
  main_env+=("$(jq -r .name "$scratch/dep.json")_URL=http://127.0.0.1:$dep_port")
fi
load main "$archive"
main_port=$(free_port)
start main "$ref" "$main_port" ${main_env[@]+"${main_env[@]}"}
wait_ready "$container" "$main_port" main
stop "$container"
if [ -n "$dependency" ]; then stop "$dep_container"; fi
log "passed: $archive${dependency:+ (with $dependency)}"
