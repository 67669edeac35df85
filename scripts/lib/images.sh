# shellcheck shell=bash
# shellcheck disable=SC2034 # plain_tar and podman_opts are read by the sourcing script
# plain_docker_archive ARCHIVE DIR EXIT: sets `plain_tar` to ARCHIVE as a plain docker-archive tar, decompressed
# into DIR when it is a .tar.gz (what dockerTools.buildLayeredImage writes): some skopeo and podman builds read
# no gzip. Anything else ends the script with EXIT.
plain_docker_archive() {
  if [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' \n')" = 1f8b ]; then
    log "decompressing $1"
    gzip -dc "$1" >"$2/image.tar" 2>/dev/null || die "$3" "cannot decompress $1 (truncated or corrupt gzip)"
    plain_tar=$2/image.tar
  elif [ "$(head -c 262 "$1" | tail -c 5)" = ustar ]; then
    plain_tar=$1
  else
    die "$3" "$1 is not a docker-archive (expected a tar or a .tar.gz)"
  fi
}

# private_podman SCRATCH: `podman_opts` for podman storage of its own under SCRATCH (the runroot under /tmp when
# SCRATCH is long: podman refuses one over 50 characters); vfs and file events work everywhere, even as root in
# a container without systemd. remove_private_podman deletes it.
private_podman() {
  podman_root=$1/storage
  podman_runroot=$1/run
  if [ ${#podman_runroot} -gt 50 ]; then podman_runroot=$(mktemp -d /tmp/podman-run.XXXXXX); fi
  podman_opts=(--root "$podman_root" --runroot "$podman_runroot" --storage-driver vfs --events-backend file)
}
remove_private_podman() {
  [ -n "${podman_root-}" ] || return 0
  # Rootless podman's files belong to sub-uids: removed as podman.
  if [ "$(id -u)" -ne 0 ]; then podman unshare rm -rf "$podman_root" "$podman_runroot" 2>/dev/null || true; fi
  rm -rf "$podman_root" "$podman_runroot"
}
