#!/usr/bin/env bash
# Smoke-test an app image before it ships: run the archive Nix built the way production runs it and check it
# serves and stops cleanly.
#
#   scripts/smoke-image.sh [--with DEPENDENCY_ARCHIVE] [--env NAME[=VALUE]]... ARCHIVE
#
# ARCHIVE is a docker-archive: a tar, a .tar.gz (what dockerTools.buildLayeredImage writes) or a
# streamLayeredImage script. It is loaded into a container engine and run
#   - with a read-only root filesystem, as the image's own user (an image that runs as root fails),
#   - with a tmpfs only at the directories its label `writable-dirs` names (space-separated absolute paths),
#   - on the host network, on a free loopback port: the image's <NAME>_PORT variable (the one whose value is its
#     exposed port) is set to that port and <NAME>_HOST to 127.0.0.1, so nothing listens beyond loopback.
# It must become ready within SMOKE_READY_TIMEOUT s: GET /ready answers 2xx (an app without /ready, answering
# 404, must answer / with 2xx instead). Then SIGTERM must make it exit 0 within SMOKE_STOP_TIMEOUT s.
#
# --with runs DEPENDENCY_ARCHIVE first (e.g. the API for the web), the same way, and wires the two together:
# ARCHIVE gets <DEP>_URL=http://127.0.0.1:<dep port>, the dependency gets <NAME>_ORIGIN=http://127.0.0.1:<port>
# (NAME, DEP: the prefixes of their port variables, e.g. WEB and API). ARCHIVE must become ready with the
# dependency up, and stop being ready once the dependency is stopped: proof that it really uses <DEP>_URL
# (an app's readiness includes what it needs). Only readiness paths are asked: nothing here knows what the apps do.
#
# --env NAME=VALUE sets a variable in every container it runs (ARCHIVE and the dependency), e.g. the API's
# DATABASE_URL; --env NAME (no value) passes NAME from this script's environment, so a secret stays out of argv:
#   DATABASE_URL=postgres://… scripts/smoke-image.sh --env DATABASE_URL api.tar.gz
#
# Environment:
#   SMOKE_ENGINE         podman or docker (default: podman if installed, else docker)
#   SMOKE_ENGINE_OPTS    global engine options (podman default: --storage-driver vfs --cgroup-manager cgroupfs
#                        --events-backend file, what works everywhere, even as root in a container without
#                        systemd; podman always gets a private --root/--runroot, removed at exit)
#   SMOKE_RUN_OPTS       extra `run` options (podman default: --ulimit nofile=4096:4096 --ulimit nproc=4096:4096,
#                        plus --runtime runc when runc is installed; docker default: none)
#   SMOKE_READY_TIMEOUT  seconds to become ready (default 60)
#   SMOKE_STOP_TIMEOUT   seconds to exit after SIGTERM (default 10)
#
# Containers and images are removed however the script ends; with docker the archive's tag (e.g.
# nix-sample-web:latest) is replaced in the daemon and then removed. Logs go to stderr, and a failing
# container's last log lines with them; stdout stays empty.
#
# Exit codes: 0 passed; 1 the image misbehaved (not a loadable docker-archive, runs as root, never ready,
# crashed, ignored SIGTERM, exited non-zero, page without the dependency's data; the message says which);
# 2 usage, a missing archive file, or no usable container engine.
set -euo pipefail

prog=smoke-image
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"
# shellcheck source-path=SCRIPTDIR source=lib/archive.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/archive.sh"
# shellcheck source-path=SCRIPTDIR source=lib/podman.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/podman.sh"

usage="usage: smoke-image.sh [--with DEPENDENCY_ARCHIVE] [--env NAME[=VALUE]]... ARCHIVE"

# ---- arguments and settings ----------------------------------------------------

dependency=
extra_env=()
add_env() { # add_env NAME[=VALUE]: checked here, handed to `run -e` as given (the engine reads a bare NAME's value)
  [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*(=.*)?$ ]] || die 2 "--env needs NAME or NAME=VALUE, not '$1'; $usage"
  if [[ $1 != *=* ]] && [ -z "${!1+set}" ]; then die 2 "--env $1: $1 is not set in the environment"; fi
  extra_env+=("$1")
}
while [ $# -gt 0 ]; do
  case $1 in
    --env)
      if [ $# -lt 2 ] || [ -z "$2" ]; then die 2 "--env needs NAME or NAME=VALUE; $usage"; fi
      add_env "$2"
      shift 2
      ;;
    --env=*)
      add_env "${1#--env=}"
      shift
      ;;
    --with | --with=*)
      if [ "$1" = --with ]; then
        if [ $# -lt 2 ] || [ -z "$2" ]; then die 2 "--with needs an archive; $usage"; fi
        set -- "--with=$2" "${@:3}"
      fi
      [ -z "$dependency" ] || die 2 "--with given twice: one dependency at most"
      dependency=${1#--with=}
      shift
      ;;
    -h | --help)
      printf '%s\n' "$usage"
      exit 0
      ;;
    -*) die 2 "unknown option $1; $usage" ;;
    *) break ;;
  esac
done
if [ $# -ne 1 ] || [ -z "$1" ]; then die 2 "$usage"; fi
archive=$1
for f in "$archive" ${dependency:+"$dependency"}; do
  [ -e "$f" ] || die 2 "image archive $f not found"
  if [ ! -f "$f" ] || [ ! -r "$f" ]; then die 2 "image archive $f is not a readable file"; fi
done

seconds() { # seconds NAME DEFAULT: a positive whole number of seconds from the environment
  local value=${!1:-$2}
  [[ $value =~ ^[1-9][0-9]{0,3}$ ]] || die 2 "$1 must be a whole number of seconds (1-9999), not '$value'"
  printf '%s' "$value"
}
ready_timeout=$(seconds SMOKE_READY_TIMEOUT 60)
stop_timeout=$(seconds SMOKE_STOP_TIMEOUT 10)

for tool in curl jq tar gzip; do
  command -v "$tool" >/dev/null || die 2 "$tool is not installed"
done

# ---- the engine ------------------------------------------------------------------

engine=${SMOKE_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v podman >/dev/null; then engine=podman; else engine=docker; fi
fi
case $engine in podman | docker) ;; *) die 2 "SMOKE_ENGINE must be podman or docker, not '$engine'" ;; esac
command -v "$engine" >/dev/null || die 2 "no container engine: install podman or docker (or set SMOKE_ENGINE)"

umask 077
scratch=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
# Removed however the script ends: containers, images, podman's private storage, scratch files.
containers=()
images=()
cleanup() {
  local c i
  for c in ${containers[@]+"${containers[@]}"}; do e rm -f "$c" >/dev/null 2>&1 || true; done
  for i in ${images[@]+"${images[@]}"}; do e rmi -f "$i" >/dev/null 2>&1 || true; done
  remove_private_podman
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

engine_opts=()
run_opts=()
if [ "$engine" = podman ]; then
  read -ra engine_opts <<<"${SMOKE_ENGINE_OPTS-"--storage-driver vfs --cgroup-manager cgroupfs --events-backend file"}"
  # Private storage: nothing loaded or run here touches the user's images, and all of it goes at exit.
  private_podman "$scratch"
  engine_opts=("${podman_private_opts[@]}" "${engine_opts[@]}")
  default_run_opts="--ulimit nofile=4096:4096 --ulimit nproc=4096:4096"
  if command -v runc >/dev/null; then default_run_opts+=" --runtime runc"; fi
  read -ra run_opts <<<"${SMOKE_RUN_OPTS-$default_run_opts}"
  # Only the tmpfs mounts below are writable (podman otherwise adds tmpfs at /tmp, /var/tmp and /run).
  run_opts+=(--read-only-tmpfs=false)
else
  read -ra engine_opts <<<"${SMOKE_ENGINE_OPTS-}"
  read -ra run_opts <<<"${SMOKE_RUN_OPTS-}"
fi
e() { "$engine" "${engine_opts[@]}" "$@"; }

e info >/dev/null 2>"$scratch/info.err" ||
  die 2 "$engine does not work here: $(tail -n 1 "$scratch/info.err")"

# ---- reading and loading an archive ------------------------------------------------

# describe ARCHIVE KEY: check the image config and keep what the run needs in $scratch/KEY.json.
describe() {
  local archive=$1 key=$2 dir=$scratch/$2 config_name user
  mkdir -p "$dir"
  plain_docker_archive "$archive" "$dir" 1
  printf '%s' "$plain_tar" >"$dir/tar-path"
  tar -xOf "$plain_tar" manifest.json >"$dir/manifest.json" 2>/dev/null ||
    die 1 "$archive is a tar but not a docker-archive (no manifest.json)"
  config_name=$(jq -er 'if length == 1 then .[0].Config else error("several images") end' "$dir/manifest.json" 2>/dev/null) ||
    die 1 "$archive: manifest.json must describe exactly one image"
  tar -xOf "$plain_tar" "$config_name" >"$dir/config.json" 2>/dev/null ||
    die 1 "$archive: its image config $config_name is missing"

  # The app's port is the one it exposes; its port variable is the Env entry *_PORT holding that number.
  jq -e '.config.ExposedPorts // {} | keys | length == 1' "$dir/config.json" >/dev/null ||
    die 1 "$archive must expose exactly one port (config ExposedPorts)"
  jq '.config as $c
    | ($c.ExposedPorts | keys[0] | split("/")[0]) as $port
    | [$c.Env // [] | .[] | capture("^(?<name>[A-Z][A-Z0-9_]*)_PORT=(?<value>.*)$") | select(.value == $port) | .name] as $names
    | {
        port: $port,
        name: (if ($names | length) == 1 then $names[0] else null end),
        envNames: [$c.Env // [] | .[] | split("=")[0]],
        user: ($c.User // ""),
        writable: (($c.Labels // {})["writable-dirs"] // null),
        title: (($c.Labels // {})["org.opencontainers.image.title"] // null)
      }' "$dir/config.json" >"$scratch/$key.json"
  jq -e '.name != null' "$scratch/$key.json" >/dev/null ||
    die 1 "$archive: no single <NAME>_PORT variable in its Env holds its exposed port $(jq -r .port "$scratch/$key.json")"
  user=$(jq -r .user "$scratch/$key.json")
  case $user in "" | root | 0 | root:* | 0:*) die 1 "$archive runs as root (config User '$user'): set a non-root User" ;; esac
  if jq -e '.writable == null' "$scratch/$key.json" >/dev/null; then
    log "$archive has no label writable-dirs: running it with nothing writable"
  else
    local d
    for d in $(jq -r .writable "$scratch/$key.json"); do
      if [[ ! $d =~ ^/[A-Za-z0-9._/-]*$ ]] || [[ $d =~ (^|/)\.\.?(/|$) ]]; then
        die 1 "$archive: label writable-dirs holds '$d', not a plain absolute path"
      fi
    done
  fi
}

# load KEY: load the archive into the engine; sets `ref` to the loaded image.
load() {
  local key=$1 dir=$scratch/$1
  if ! e load -i "$(cat "$dir/tar-path")" >"$dir/load.out" 2>"$dir/load.err"; then
    die 1 "$engine cannot load the archive: $(tail -n 1 "$dir/load.err")"
  fi
  ref=$(sed -n 's/^Loaded image[^:]*: //p' "$dir/load.out" | tail -n 1)
  [ -n "$ref" ] || die 1 "$engine loaded the archive but named no image: $(cat "$dir/load.out")"
  images+=("$ref")
  rm -f "$dir/image.tar" # a decompressed copy, if any: the engine has the image now
}

# ---- running a container --------------------------------------------------------

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  for _ in $(seq 1 200); do
    # Below Linux's ephemeral range (32768 and up by default), where the kernel picks client ports: a
    # port that was free a moment ago can't be taken by an outgoing connection before the server binds it.
    port=$((20000 + RANDOM % 12000))
    if port_free "$port"; then
      printf '%s' "$port"
      return
    fi
  done
  die 2 "no free loopback port found"
}

show_logs() { # show_logs CONTAINER: its last lines, on stderr
  log "last log lines of $1:"
  e logs --tail 30 "$1" 2>&1 | sed 's/^/  | /' >&2 || true
}

# fail CONTAINER MESSAGE: the image misbehaved; its logs follow the message.
fail() {
  local container=$1 message=$2
  printf '%s: error: %s\n' "$prog" "$message" >&2
  show_logs "$container"
  exit 1
}

# start KEY REF PORT ENV...: run REF detached on PORT with ENV overrides (after --env's); sets `container`.
start() {
  local key=$1 ref=$2 port=$3 name d
  shift 3
  name=$(jq -r .name "$scratch/$key.json")
  local opts=(--detach --network host --read-only
    -e "${name}_HOST=127.0.0.1" -e "${name}_PORT=$port")
  for d in $(jq -r '.writable // ""' "$scratch/$key.json"); do
    # 1777 like /tmp: the image's user (whatever its uid) may write, as with an emptyDir volume.
    opts+=(--tmpfs "$d:rw,nosuid,nodev,noexec,size=256m,mode=1777")
  done
  for d in ${extra_env[@]+"${extra_env[@]}"} "$@"; do opts+=(-e "$d"); done
  container=$prog-$key-$$-$RANDOM
  containers+=("$container")
  e run --name "$container" "${opts[@]}" ${run_opts[@]+"${run_opts[@]}"} "$ref" >/dev/null 2>"$scratch/run.err" ||
    die 1 "$engine cannot start $ref: $(tail -n 1 "$scratch/run.err")"
  log "started $ref as $container on 127.0.0.1:$port"
}

state() { e inspect --format "{{.State.$2}}" "$1" 2>/dev/null; }

# exited_early KEY CONTAINER: the container stopped on its own; say how, and why if the logs tell.
exited_early() {
  local key=$1 container=$2 code hint=
  code=$(state "$container" ExitCode)
  e logs "$container" >"$scratch/early.log" 2>&1 || true
  if grep -qiE 'EROFS|read-only file system' "$scratch/early.log"; then
    hint="; it tried to write outside its writable directories ($(jq -r 'if (.writable // "") == "" then "none declared" else .writable end' "$scratch/$key.json"))"
  fi
  fail "$container" "$container exited with code $code before it was ready$hint"
}

# wait_ready KEY CONTAINER PORT: GET /ready (or / when there is no /ready) answers 2xx in time.
wait_ready() {
  local key=$1 container=$2 port=$3 deadline code path=/ready
  deadline=$((SECONDS + ready_timeout))
  while :; do
    [ "$(state "$container" Running)" = true ] || exited_early "$key" "$container"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port$path" || true)
    case $code in
      2??)
        log "$container ready: GET $path answered $code"
        ready_path=$path
        return
        ;;
      404) [ "$path" = / ] || path=/ ;; # no readiness route: the page itself
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "$container" "$container was not ready within $ready_timeout s (GET $path on 127.0.0.1:$port: ${code/000/no answer})"
    fi
    sleep 0.5
  done
}

# wait_unready CONTAINER PORT DEPENDENCY: the readiness path wait_ready found must stop answering 2xx within the
# ready timeout once DEPENDENCY is gone (the container itself keeps running: liveness is not readiness).
wait_unready() {
  local container=$1 port=$2 dependency=$3 deadline code
  deadline=$((SECONDS + ready_timeout))
  while :; do
    [ "$(state "$container" Running)" = true ] || fail "$container" "$container exited when $dependency stopped"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port$ready_path" || true)
    case $code in
      2??) ;;
      *)
        log "$container not ready without $dependency: GET $ready_path answered ${code/000/nothing}"
        return
        ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "$container" "$container still ready $ready_timeout s after $dependency stopped (GET $ready_path: $code): is ${dep_name}_URL used?"
    fi
    sleep 0.5
  done
}

# stop CONTAINER: SIGTERM; it must exit 0 within the stop timeout.
stop() {
  local container=$1 code
  e kill --signal TERM "$container" >/dev/null 2>&1 || true
  if ! code=$(timeout "$stop_timeout" "$engine" "${engine_opts[@]}" wait "$container" 2>/dev/null | tail -n 1); then
    fail "$container" "$container was still running $stop_timeout s after SIGTERM (it must drain and exit)"
  fi
  [ "$code" = 0 ] || fail "$container" "$container exited with code $code after SIGTERM (expected 0)"
  log "$container exited 0 after SIGTERM"
}

# ---- the run ------------------------------------------------------------------------

describe "$archive" main
if [ -n "$dependency" ]; then
  describe "$dependency" dep
  [ "$(jq -r .name "$scratch/main.json")" != "$(jq -r .name "$scratch/dep.json")" ] ||
    die 1 "$archive and $dependency both take $(jq -r .name "$scratch/main.json")_PORT: --with needs another app"
fi
main_name=$(jq -r .name "$scratch/main.json")
main_port=$(free_port)

main_env=()
if [ -n "$dependency" ]; then
  dep_name=$(jq -r .name "$scratch/dep.json")
  load dep
  dep_ref=$ref
  dep_port=$(free_port)
  while [ "$dep_port" = "$main_port" ]; do dep_port=$(free_port); done
  start dep "$dep_ref" "$dep_port" "${main_name}_ORIGIN=http://127.0.0.1:$main_port"
  dep_container=$container
  wait_ready dep "$dep_container" "$dep_port"
  main_env+=("${dep_name}_URL=http://127.0.0.1:$dep_port")
fi

load main
main_ref=$ref
start main "$main_ref" "$main_port" ${main_env[@]+"${main_env[@]}"}
main_container=$container
wait_ready main "$main_container" "$main_port"

if [ -n "$dependency" ]; then
  stop "$dep_container"
  wait_unready "$main_container" "$main_port" "$dep_container"
fi
stop "$main_container"
log "passed: $archive${dependency:+ (with $dependency)}"
