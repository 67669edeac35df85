# shellcheck shell=bash
# Local OCI registries for the shell suites: Debian's docker-registry (the Distribution registry) on
# 127.0.0.1 with its own config and storage, started in ~50 ms. Source it; stop_local_registries on exit.
#
#   start_local_registry VAR DIR [open|auth|readonly] [USER PASSWORD]
#
# sets VAR to the port it listens on (a free one; retried on a race). `auth` needs USER and PASSWORD
# (htpasswd, bcrypt: MD5 entries always get 401). Needs docker-registry, curl, and htpasswd for `auth`.

LOCAL_REGISTRY_PIDS=()

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  while :; do
    # Below Linux's ephemeral range (32768 and up by default), where the kernel picks client ports: a
    # port that was free a moment ago can't be taken by an outgoing connection before the server binds it.
    port=$((20000 + RANDOM % 12000))
    if port_free "$port"; then
      echo "$port"
      return
    fi
  done
}

start_local_registry() {
  local var=$1 dir=$2 mode=${3:-open} user=${4:-} password=${5:-} port pid attempt i
  mkdir -p "$dir/storage"
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    {
      printf 'version: 0.1\nlog:\n  level: error\n'
      printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$dir/storage"
      if [ "$mode" = readonly ]; then
        printf '  maintenance:\n    uploadpurging:\n      enabled: false\n    readonly:\n      enabled: true\n'
      fi
      printf 'http:\n  addr: 127.0.0.1:%s\n  secret: tests-only\n' "$port"
      if [ "$mode" = auth ]; then
        htpasswd -Bbc "$dir/htpasswd" "$user" "$password" 2>/dev/null
        # realm is mandatory: without it the registry exits at start.
        printf 'auth:\n  htpasswd:\n    realm: nix-sample-tests\n    path: %s\n' "$dir/htpasswd"
      fi
    } >"$dir/config.yml"
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; then
        LOCAL_REGISTRY_PIDS+=("$pid")
        printf -v "$var" '%s' "$port"
        return 0
      fi
      sleep 0.05
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "registry in $dir did not start on port $port (attempt $attempt, $i polls):" >&2
    cat "$dir/log" >&2
  done
  return 1
}

stop_local_registries() {
  local pid
  for pid in ${LOCAL_REGISTRY_PIDS[@]+"${LOCAL_REGISTRY_PIDS[@]}"}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  LOCAL_REGISTRY_PIDS=()
}
