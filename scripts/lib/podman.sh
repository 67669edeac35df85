# shellcheck shell=bash
# Shared by smoke-image.sh and push-index.sh: podman with storage of its own, so nothing it loads or builds
# touches the user's images, and all of it goes at exit. Needs `die` from the sourcing script.

# private_podman SCRATCH: sets `podman_private_opts` (--root in SCRATCH, --runroot beside it). podman
# refuses a runroot longer than 50 characters, so a long SCRATCH path gets its runroot under /tmp.
private_podman() {
  local scratch=$1
  podman_runroot=$scratch/run
  if [ ${#podman_runroot} -gt 50 ]; then
    podman_runroot=$(mktemp -d /tmp/podman-run.XXXXXX) || die 2 "cannot create a podman runroot in /tmp"
  fi
  podman_root=$scratch/storage
  # shellcheck disable=SC2034 # read by the sourcing script
  podman_private_opts=(--root "$podman_root" --runroot "$podman_runroot")
}

# remove_private_podman: delete both; rootless podman's files belong to sub-uids, so remove them as podman.
remove_private_podman() {
  [ -n "${podman_root-}" ] || return 0
  if [ "$(id -u)" -ne 0 ]; then podman unshare rm -rf "$podman_root" "$podman_runroot" 2>/dev/null || true; fi
  rm -rf "$podman_root" "$podman_runroot" 2>/dev/null || true
}
