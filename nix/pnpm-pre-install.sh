# shellcheck shell=bash
# fetchPnpmDeps' prePnpmInstall (nix/workspace.nix), also run by scripts/update-pnpm-hash.sh --replay.
# The fetcher runs `pnpm install --force …` right after this. pnpm 10 reads --force as "every platform's
# optional packages" and then ignores supportedArchitectures (its frozen-lockfile install sets
# includeIncompatiblePackages = force), so the store would hold macOS, Windows and musl binaries too.
# Drop --force from that call: the --os/--cpu/--libc in nix/pnpm-install-flags.json then decide, on any
# build machine alike (no "current" platform in the list).
pnpm() {
  local arg args=()
  for arg in "$@"; do
    [ "$arg" = --force ] || args+=("$arg")
  done
  command pnpm "${args[@]}"
}
