#!/usr/bin/env bash
# Starts the built trees the way the images run them and checks they serve: run by proof/nix/run.sh as
# root inside `unshare -n -m` (a private network with only loopback, a private mount table).
#
#   serve-check.sh NODE WEB_TREE API_TREE IMAGES_JSON LOG_DIR
#
# It knows the apps only through /health and their runtime field (port, ready path), nothing of what they
# serve, so it holds for whatever the apps become.
#
# Each server gets exactly its image's Env (IMAGES_JSON: config.Env of image-web/image-api evaluated from
# the flake) and nothing else (env -i: no PATH, no HOME), runs as the image's User, and is started with
# the image's Cmd, node swapped for NODE and the store path for the rehearsal's tree. The trees are
# root-owned and read-only; only /tmp and the web's cache directory (a tmpfs here, owned by the image
# user as fakeRootCommands makes it) are writable. The API's image needs a database: a throwaway PostgreSQL
# cluster inside the namespace (proof/support/postgres-cli.mjs) gives it DATABASE_URL.
set -euo pipefail
node=$1 web=$2 api=$3 images=$4 logs=$5
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

ip link set lo up

# Everything started here is stopped on exit, whichever line fails; the cluster also has a reaper (--owner),
# so it goes even if this script is killed.
pids=()
pg_dir=$(mktemp -d)
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$node" "$root/proof/support/postgres-cli.mjs" stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_all EXIT
# Its own cluster: TEST_DATABASE_URL's server is outside this network namespace.
database_url=$(TEST_DATABASE_URL='' "$node" "$root/proof/support/postgres-cli.mjs" start "$pg_dir" --owner $$) || {
  echo "could not start PostgreSQL for the API"
  exit 1
}

user=$(jq -r '.["image-web"].config.User' "$images")
cache_dir=$(readlink "$web/apps/web/.next/cache")
mount -t tmpfs -o mode=0755 tmpfs "$(dirname "$cache_dir")"
mkdir -p "$cache_dir"
chown "$user" "$cache_dir"
chmod 0700 "$cache_dir"

started=
start() { # start NAME TREE [bare]: sets $started to the server's pid; bare = none of the image's Env
  local name=$1 tree=$2 image="image-$1" entry env=()
  entry=$(jq -r --arg i "$image" '.[$i].entry' "$images")
  [ "${3:-}" = bare ] || mapfile -t env < <(jq -r --arg i "$image" '.[$i].config.Env[]' "$images")
  # The one variable a deployment adds to the API image's Env (it carries a password, so no image sets it).
  [ "$name" != api ] || env+=("DATABASE_URL=$database_url")
  setpriv --reuid="${user%:*}" --regid="${user#*:}" --clear-groups \
    env -i "${env[@]}" "$node" "$tree/$entry" >>"$logs/$name.log" 2>&1 &
  started=$!
  pids+=("$started")
}

wait_http() { # wait_http URL: up to 30 s
  for _ in $(seq 150); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "no answer from $1"
  return 1
}

port_of() { jq -r --arg i "$1" '.[$i].config.ExposedPorts | keys[0] | split("/")[0]' "$images"; }
# The path each app answers 200 on once it can serve (its package.json's runtime.ready): the API once its
# database is migrated, the web app once the API is ready.
ready_of() { jq -r '.runtime.ready' "$root/apps/$1/package.json"; }
api_ready=$(ready_of api)
web_ready=$(ready_of web)
api_port=$(port_of image-api)
web_port=$(port_of image-web)

stop() { # stop PID: SIGTERM, then it must drain and exit 0 within 20 s
  local rc=0
  kill -TERM "$1"
  timeout 20 tail --pid="$1" -f /dev/null || { echo "pid $1 still running 20 s after SIGTERM"; exit 1; }
  wait "$1" || rc=$?
  [ "$rc" -eq 0 ] || { echo "pid $1 exited $rc after SIGTERM"; cat "$logs"/*.log; exit 1; }
}

# 1. No environment but the API's DATABASE_URL (without it the API would open PGlite, which the runtime tree
#    does not carry): the apps' own defaults must agree with the image settings (the image's ports, the web's
#    default API_URL reaching the API's default address).
start api "$api" bare
api_pid=$started
wait_http "http://127.0.0.1:$api_port/health" || { echo "API defaults: not on the image port $api_port"; cat "$logs/api.log"; exit 1; }
ss -Hltn "sport = :$api_port" | grep -q '127.0.0.1:' || { echo "API default host is not loopback"; ss -ltn; exit 1; }
start web "$web" bare
web_pid=$started
wait_http "http://127.0.0.1:$web_port/" || { echo "web defaults: not on the image port $web_port"; cat "$logs/web.log"; exit 1; }
stop "$web_pid"
stop "$api_pid"
pids=()
echo "with no environment but DATABASE_URL: API on 127.0.0.1:$api_port, web on :$web_port (the images' ports)"

# 2. Exactly the images' Env, plus DATABASE_URL for the API.

start api "$api"
api_pid=$started
wait_http "http://127.0.0.1:$api_port/health" || { cat "$logs/api.log"; exit 1; }
health=$(curl -fsS "http://127.0.0.1:$api_port/health")
echo "api /health: $health"
jq -e '.status == "ok"' <<<"$health" >/dev/null
# Ready once the database is migrated (in the background, so poll).
wait_http "http://127.0.0.1:$api_port$api_ready" || { echo "API not ready with DATABASE_URL"; cat "$logs/api.log"; exit 1; }
echo "api $api_ready: $(curl -fsS "http://127.0.0.1:$api_port$api_ready")"
# The image's API_HOST=0.0.0.0 must make it listen on every interface, on the image's exposed port.
ss -Hltn "sport = :$api_port" | grep -q '0.0.0.0:' || { echo "API not on 0.0.0.0:$api_port"; ss -ltn; exit 1; }

start web "$web"
web_pid=$started
wait_http "http://127.0.0.1:$web_port/" || { cat "$logs/web.log"; exit 1; }
# The web app's ready path asks the API's: 200 means the page's data path (web → API → database) works.
wait_http "http://127.0.0.1:$web_port$web_ready" || { echo "web not ready: it does not reach the API"; cat "$logs/web.log"; exit 1; }
echo "web $web_ready: $(curl -fsS "http://127.0.0.1:$web_port$web_ready") (through the API)"
ss -Hltn "sport = :$web_port" | grep -q '0.0.0.0:' || { echo "web not on 0.0.0.0:$web_port"; exit 1; }

# SIGTERM: both drain and exit 0 (the images have no init; node is PID 1 there).
stop "$web_pid"
stop "$api_pid"
pids=()
echo "both exited 0 on SIGTERM"
echo "cache dir after serving: $(find "$cache_dir" -mindepth 1 | wc -l) entries"
