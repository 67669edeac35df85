#!/usr/bin/env bash
# Build a docker-archive of one app the way nix/image.nix lays it out, from a runtime tree and the apps'
# settings (nix/apps.nix evaluated to JSON), with the `node` on PATH standing in for nodejs-slim:
#
#   image-from-tree.sh OUT SETTINGS_JSON APP TREE [RUNTIME_DIR]
#
# Layers: /etc/passwd and /etc/group with the image user plus the writable directories (shared ones 1777,
# the app's cache directory owned by the user), the tree, and the Node.js runtime (node and the shared
# libraries `ldd` lists, at their own paths; staged in RUNTIME_DIR once and reused when given). The big
# runtime goes last: podman's vfs storage copies every lower layer into each layer above it. Config: User,
# Cmd (node + entry), Env, ExposedPorts, WorkingDir and Labels from the settings, with label
# `writable-dirs` (settings' writableDirs; /tmp sticky and shared, the others owned by the user, as nix/image.nix does).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ $# -lt 4 ]; then
  echo "usage: image-from-tree.sh OUT SETTINGS_JSON APP TREE [RUNTIME_DIR]" >&2
  exit 2
fi
out=$1 settings=$2 app=$3 tree=$4 runtime=${5:-}

jq -e --arg a "$app" '.apps[$a].entry' "$settings" >/dev/null || {
  echo "image-from-tree: no app '$app' in $settings" >&2
  exit 2
}
[ -f "$tree/$(jq -r --arg a "$app" '.apps[$a].entry' "$settings")" ] || {
  echo "image-from-tree: $tree lacks the entry of $app" >&2
  exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/image-from-tree.XXXXXX")
trap 'rm -rf "$work"' EXIT

node_in_image=/opt/nodejs/bin/node
if [ -z "$runtime" ]; then runtime=$work/runtime; fi
if [ ! -x "$runtime$node_in_image" ]; then
  node=$(readlink -f "$(command -v node)")
  mkdir -p "$runtime$(dirname "$node_in_image")"
  cp "$node" "$runtime$node_in_image"
  # "libc.so.6 => /lib/…/libc.so.6 (0x…)" and "/lib64/ld-linux-x86-64.so.2 (0x…)": every absolute path.
  ldd "$node" | grep -oE '/[^ ]+' | while IFS= read -r lib; do
    mkdir -p "$runtime$(dirname "$lib")"
    cp -L "$lib" "$runtime$lib"
  done
fi

case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
image_name=$(jq -r --arg a "$app" '.apps[$a].imageName' "$settings")
tree_in_image=/opt/$image_name

jq --arg a "$app" '
  (.user | "\(.uid):\(.gid)") as $owner
  | .apps[$a].writableDirs as $writable
  | {
      shared: ($writable | map(select(. == "/tmp"))), owned: ($writable | map(select(. != "/tmp"))),
      writable: $writable, owner: $owner,
      passwd: "root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/var/empty:/bin/false\n\(.user.name):x:\(.user.uid):\(.user.gid):\(.user.name):/var/empty:/bin/false\n",
      group: "root:x:0:\nnogroup:x:65534:\n\(.user.name):x:\(.user.gid):\n"
    }' "$settings" >"$work/layout.json"

# The user's layer: fake NSS and the writable directories, as nix/image.nix's fakeRootCommands make them.
nss=$work/nss
mkdir -p "$nss/etc"
jq -j .passwd "$work/layout.json" >"$nss/etc/passwd"
jq -j .group "$work/layout.json" >"$nss/etc/group"
while IFS= read -r dir; do
  mkdir -p "$nss$dir"
  chmod 1777 "$nss$dir"
done < <(jq -r '.shared[]' "$work/layout.json")
while IFS= read -r dir; do
  mkdir -p "$nss$dir"
  chown "$(jq -r .owner "$work/layout.json")" "$nss$dir"
  chmod 0700 "$nss$dir"
done < <(jq -r '.owned[]' "$work/layout.json")

app_layer=$work/app
mkdir -p "$app_layer$(dirname "$tree_in_image")"
cp -a "$tree" "$app_layer$tree_in_image"

jq --arg a "$app" --arg arch "$arch" --arg node "$node_in_image" --arg tree "$tree_in_image" \
  --slurpfile layout "$work/layout.json" '
  .apps[$a] as $s | {
    architecture: $arch,
    os: "linux",
    config: {
      User: $layout[0].owner,
      Cmd: [$node, "\($tree)/\($s.entry)"],
      Env: [$s.env | to_entries[] | "\(.key)=\(.value)"],
      ExposedPorts: {"\($s.port)/tcp": {}},
      Labels: ({"writable-dirs": ($layout[0].writable | join(" "))} + $s.labels),
      WorkingDir: "/tmp"
    }
  }' "$settings" >"$work/config.json"

bash "$here/make-image-archive.sh" "$out" "$work/config.json" "$image_name:latest" "$nss" "$app_layer" "$runtime"
