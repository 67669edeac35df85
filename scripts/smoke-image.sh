#!/usr/bin/env bash
# Smoke-test an app image before it ships, run the way production runs it:
#   scripts/smoke-image.sh [--with DEPENDENCY_ARCHIVE] [--env NAME[=VALUE]]... ARCHIVE
#
# ARCHIVE (a docker-archive tar or .tar.gz) runs with a read-only root as the image's own user (never root), a
# tmpfs only at the directories its label `writable-dirs` names, on the host network at a free loopback port
# (its <NAME>_PORT and <NAME>_HOST). GET /ready must answer 2xx within SMOKE_READY_TIMEOUT s (60), then SIGTERM
# must make it exit 0 within SMOKE_STOP_TIMEOUT s (10). --with runs another app's image first and hands ARCHIVE
# its address as <DEP>_URL. --env sets a variable in every container; a bare NAME passes this script's value, so
# a secret stays out of argv. SMOKE_ENGINE: podman (default when installed, with private storage) or docker.
# Exit codes: 0 passed, 1 the image misbehaved (the message says how), 2 usage or no container engine.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"
# shellcheck source-path=SCRIPTDIR source=lib/images.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/images.sh"

usage="usage: smoke-image.sh [--with DEPENDENCY_ARCHIVE] [--env NAME[=VALUE]]... ARCHIVE"
dependency=
extra_env=()
while [ $# -gt 0 ]; do
  case $1 in
    --env)
      if [[ ${2-} != *=* ]] && [ -z "${!2+set}" ]; then die 2 "--env ${2-}: ${2-} is not set in the environment"; fi
      extra_env+=(-e "$2")
      ;;
    --with)
      [ -n "${2-}" ] || die 2 "--with needs an archive; $usage"
      dependency=$2
      ;;
    -*) die 2 "unknown option $1; $usage" ;;
    *) break ;;
  esac
  shift 2
done
[ $# -eq 1 ] || die 2 "$usage"
for f in "$1" ${dependency:+"$dependency"}; do [ -f "$f" ] || die 2 "image archive $f not found"; done
ready_timeout=${SMOKE_READY_TIMEOUT:-60}
stop_timeout=${SMOKE_STOP_TIMEOUT:-10}

engine=${SMOKE_ENGINE:-$(command -v podman >/dev/null && echo podman || echo docker)}
command -v "$engine" >/dev/null || die 2 "no container engine: install podman or docker (or set SMOKE_ENGINE)"

umask 077
scratch=$(mktemp -d)
containers=()
engine_opts=()
run_opts=()
trap 'e rm -f ${containers[@]+"${containers[@]}"} >/dev/null 2>&1 || true; remove_private_podman; rm -rf "$scratch"' EXIT
if [ "$engine" = podman ]; then
  private_podman "$scratch"
  engine_opts=("${podman_opts[@]}" --cgroup-manager cgroupfs)
  run_opts=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --read-only-tmpfs=false)
  if command -v runc >/dev/null; then run_opts+=(--runtime runc); fi
fi
e() { "$engine" "${engine_opts[@]}" "$@"; }

fail() { # fail CONTAINER MESSAGE: the message, then the container's last log lines
  printf '%s: error: %s\n' "$prog" "$2" >&2
  e logs --tail 30 "$1" 2>&1 | sed 's/^/  | /' >&2 || true
  exit 1
}

# run KEY ARCHIVE ENV...: load it, start it at a free port (`port`, `container`, `name`: its variables' prefix).
run() {
  local key=$1 dir=$scratch/$1 config user opts=()
  mkdir -p "$dir"
  plain_docker_archive "$2" "$dir" 1
  config=$(tar -xOf "$plain_tar" manifest.json 2>/dev/null | jq -er '.[0].Config') ||
    die 1 "$2 is a tar but not a docker-archive (no manifest.json)"
  # The app's variables: the *_PORT of its Env holding the port it exposes.
  tar -xOf "$plain_tar" "$config" | jq -r '.config as $c | ($c.ExposedPorts // {} | keys[0] // "" | split("/")[0]) as $port
    | [([$c.Env[]? | capture("^(?<n>[A-Z][A-Z0-9_]*)_PORT=(?<v>.*)$") | select(.v == $port) | .n] | first // ""),
       ($c.User // ""), (($c.Labels // {})["writable-dirs"] // "")] | join("\n")' >"$dir/config"
  { read -r name; read -r user; read -r writable; } <"$dir/config"
  [ -n "$name" ] || die 1 "$2: no <NAME>_PORT variable holds its exposed port"
  case $user in "" | root | 0 | root:* | 0:*) die 1 "$2 runs as root (config User '$user'): set a non-root User" ;; esac
  for d in $writable; do opts+=(--tmpfs "$d:rw,nosuid,nodev,noexec,size=256m,mode=1777"); done
  e load -i "$plain_tar" >"$dir/load.out" 2>"$dir/load.err" || die 1 "$engine cannot load the archive $2: $(tail -n 1 "$dir/load.err")"
  rm -f "$dir/image.tar"
  # Below Linux's ephemeral range, so no outgoing connection takes it meanwhile.
  while port=$((20000 + RANDOM % 12000)) && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do :; done
  container=smoke-$key-$$-$RANDOM
  containers+=("$container")
  for d in "${@:3}"; do opts+=(-e "$d"); done
  e run --name "$container" --detach --network host --read-only -e "${name}_HOST=127.0.0.1" -e "${name}_PORT=$port" \
    "${opts[@]}" ${extra_env[@]+"${extra_env[@]}"} ${run_opts[@]+"${run_opts[@]}"} \
    "$(sed -n 's/^Loaded image[^:]*: //p' "$dir/load.out" | tail -n 1)" >/dev/null 2>"$dir/run.err" ||
    die 1 "$engine cannot start $2: $(tail -n 1 "$dir/run.err")"
  log "started $2 as $container on 127.0.0.1:$port"
  local deadline=$((SECONDS + ready_timeout)) code
  while :; do
    [ "$(e inspect --format '{{.State.Running}}' "$container")" = true ] ||
      fail "$container" "$container exited with code $(e inspect --format '{{.State.ExitCode}}' "$container") before it was ready"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/ready" || true)
    if [[ $code == 2?? ]]; then break; fi
    [ "$SECONDS" -lt "$deadline" ] ||
      fail "$container" "$container was not ready within $ready_timeout s (GET /ready on 127.0.0.1:$port: ${code/000/no answer})"
    sleep 0.5
  done
  log "$container ready: GET /ready answered $code"
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
  run dep "$dependency"
  dep_container=$container
  main_env=("${name}_URL=http://127.0.0.1:$port")
fi
run main "$1" ${main_env[@]+"${main_env[@]}"}
stop "$container"
if [ -n "$dependency" ]; then stop "$dep_container"; fi
log "passed: $1${dependency:+ (with $dependency)}"
