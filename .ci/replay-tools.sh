#!/usr/bin/env bash
# GNU tar and zstd at the versions nixpkgs' fetchPnpmDeps uses (proof/nix/fetcher-tools.json), for
# proof/nix/update-hash.sh (the fetcher replay) on a Debian 12 machine, whose own tar 1.34 and zstd 1.5.4 write
# other bytes. Both come from Debian trixie through a private apt configuration (`apt-get download` +
# `dpkg-deb -x` into .tools/replay/); nothing is installed system-wide.
#
#   .ci/replay-tools.sh     prints `TAR=<path>` and `ZSTD=<path>` on stdout (logs on stderr); reuses a
#                           previous download when the versions are still right
#
# trixie's tar needs glibc 2.38: .tools/replay/bin/tar runs it through trixie's own loader and libc.
# trixie's zstd runs on bookworm as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=$root/.tools/replay
log() { printf 'replay-tools: %s\n' "$*" >&2; }

want_tar=$(jq -r .tar proof/nix/fetcher-tools.json)
want_zstd=$(jq -r .zstd proof/nix/fetcher-tools.json)

# The upstream version each tool reports (a Debian point release may change the package revision only).
tar_version() { "$1" --version 2>/dev/null | sed -n '1s/^tar (GNU tar) \([0-9.]*\)$/\1/p'; }
zstd_version() { "$1" --version 2>/dev/null | sed -n '1s/.* v\([0-9.]*\),.*/\1/p'; }

ready() {
  [ "$(tar_version "$dir/bin/tar")" = "$want_tar" ] && [ "$(zstd_version "$dir/bin/zstd")" = "$want_zstd" ]
}

if ! ready; then
  case "$(uname -m)" in
    x86_64) triplet=x86_64-linux-gnu loader=ld-linux-x86-64.so.2 ;;
    aarch64) triplet=aarch64-linux-gnu loader=ld-linux-aarch64.so.1 ;;
    *)
      log "no recipe for $(uname -m)"
      exit 1
      ;;
  esac
  # The mirror this machine already uses (its host name is never written into the repository).
  sources=/etc/apt/sources.list.d/debian.sources
  mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$sources" 2>/dev/null | grep -v -- '-security' | head -n 1 || true)
  if [ -z "$mirror" ]; then
    log "no Debian mirror in $sources (a URIs: line); set TAR and ZSTD to GNU tar $want_tar and zstd $want_zstd yourself"
    exit 1
  fi
  rm -rf "$dir"
  mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs" "$dir/bin"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$dir/apt/sources.list"
  apt_opts=(
    -o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::lists=$dir/apt/lists"
    -o "Dir::Cache=$dir/apt/cache" -o APT::Sandbox::User=root -qq
  )
  log "downloading tar, zstd and libc6 from trixie"
  apt-get "${apt_opts[@]}" update >&2
  (cd "$dir/debs" && apt-get "${apt_opts[@]}" download tar zstd libc6 >&2)
  for pkg in tar zstd libc6; do
    dpkg-deb -x "$dir/debs/${pkg}_"*.deb "$dir/$pkg"
  done
  cat >"$dir/bin/tar" <<SH
#!/bin/sh
# trixie's GNU tar through trixie's loader and libc (it needs glibc 2.38; Debian 12 has 2.36).
lib="$dir/libc6/usr/lib/$triplet"
exec "\$lib/$loader" --library-path "\$lib:/lib/$triplet:/usr/lib/$triplet" "$dir/tar/usr/bin/tar" "\$@"
SH
  chmod +x "$dir/bin/tar"
  ln -sf "$dir/zstd/usr/bin/zstd" "$dir/bin/zstd"
  rm -rf "$dir/apt" "$dir/debs"
  if ! ready; then
    log "got tar '$(tar_version "$dir/bin/tar")' and zstd '$(zstd_version "$dir/bin/zstd")'; want $want_tar and $want_zstd"
    log "(trixie moved on: update proof/nix/fetcher-tools.json only if nixpkgs did too, else find these versions elsewhere)"
    exit 1
  fi
fi
log "GNU tar $want_tar and zstd $want_zstd in $dir/bin"
printf 'TAR=%s\nZSTD=%s\n' "$dir/bin/tar" "$dir/bin/zstd"
