# shellcheck shell=bash
# Local Distribution registries for the shell suites (shipping, pipeline): Debian's docker-registry on 127.0.0.1,
# each with its own config and storage under $WORK. Source after tests/lib.sh; the suite sets WORK and SECRET
# (the htpasswd password of user alice for `auth` registries), and stops every PID in REG_PIDS on exit
# (stop_registries does that).

# Set here, read by the sourcing suite.
# shellcheck disable=SC2034
REG_PIDS=()

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if port_free "$port"; then
      echo "$port"
      return
    fi
  done
}

# start_registry NAME open|auth|readonly: Debian's docker-registry on
# 127.0.0.1 with its own config and storage; sets PORT_<NAME>.
start_registry() {
  : "${WORK:?set WORK before starting a registry}"
  local name=$1 mode=$2 dir=$WORK/registry-$1 port pid attempt i
  mkdir -p "$dir/storage"
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    {
      printf 'version: 0.1\nlog:\n  level: error\n'
      printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$dir/storage"
      if [ "$mode" = readonly ]; then
        printf '  maintenance:\n    uploadpurging:\n      enabled: false\n    readonly:\n      enabled: true\n'
      fi
      printf 'http:\n  addr: 127.0.0.1:%s\n  secret: shipping-tests-only\n' "$port"
      if [ "$mode" = auth ]; then
        # bcrypt only (MD5 entries always get 401); realm is mandatory.
        htpasswd -Bbc "$dir/htpasswd" alice "$SECRET" 2>/dev/null
        printf 'auth:\n  htpasswd:\n    realm: nix-sample-tests\n    path: %s\n' "$dir/htpasswd"
      fi
    } >"$dir/config.yml"
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; then
        REG_PIDS+=("$pid")
        printf -v "PORT_$name" '%s' "$port"
        return 0
      fi
      sleep 0.05
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "registry $name did not start on port $port (attempt $attempt, $i polls):" >&2
    cat "$dir/log" >&2
  done
  return 1
}


# stop_registries: stop every registry this suite started, by PID.
stop_registries() {
  local pid
  for pid in "${REG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  REG_PIDS=()
}
