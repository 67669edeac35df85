# shellcheck shell=bash
# private_podman SCRATCH: `podman_private_opts` for podman storage of its own under SCRATCH (the runroot under
# /tmp when SCRATCH is long: podman refuses one over 50 characters); remove_private_podman deletes it.
private_podman() {
  podman_root=$1/storage
  podman_runroot=$1/run
  if [ ${#podman_runroot} -gt 50 ]; then podman_runroot=$(mktemp -d /tmp/podman-run.XXXXXX); fi
  # shellcheck disable=SC2034 # read by the sourcing script
  podman_private_opts=(--root "$podman_root" --runroot "$podman_runroot")
}
remove_private_podman() {
  [ -n "${podman_root-}" ] || return 0
  # Rootless podman's files belong to sub-uids: removed as podman.
  if [ "$(id -u)" -ne 0 ]; then podman unshare rm -rf "$podman_root" "$podman_runroot" 2>/dev/null || true; fi
  rm -rf "$podman_root" "$podman_runroot" 2>/dev/null || true
}
