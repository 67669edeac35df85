# shellcheck shell=bash
# Shared by push-image.sh and smoke-image.sh: what Nix builds, as a plain docker-archive tar every tool reads.
# Needs `log` and `die` from the sourcing script; sets `plain_tar` for it.
# shellcheck disable=SC2034
#
# Some skopeo and podman builds (Debian's skopeo 1.9, podman 4.3) read neither gzip-compressed archives nor
# pipes, so anything but a plain tar is first turned into one, privately.

# plain_docker_archive ARCHIVE DIR BAD_EXIT: sets `plain_tar` to a plain tar of ARCHIVE, which may be a tar, a
# .tar.gz (dockerTools.buildLayeredImage) or a streamLayeredImage script; a converted copy goes into DIR.
# Anything else, or a conversion that fails, ends the script with BAD_EXIT.
plain_docker_archive() {
  local archive=$1 dir=$2 bad=$3 magic ustar
  magic=$(head -c 2 "$archive" | od -An -tx1 | tr -d ' \n')
  ustar=$(head -c 262 "$archive" | tail -c 5)
  if [ "$magic" = "1f8b" ]; then
    log "decompressing $archive"
    gzip -dc "$archive" >"$dir/image.tar" 2>/dev/null || die "$bad" "cannot decompress $archive (truncated or corrupt gzip)"
    plain_tar=$dir/image.tar
  elif [ "$ustar" = "ustar" ]; then
    plain_tar=$archive
  elif [ "$magic" = "2321" ]; then # "#!": a streamLayeredImage script
    [ -x "$archive" ] || die "$bad" "$archive looks like a stream script but is not executable"
    log "running stream script $archive"
    "$archive" >"$dir/image.tar" || die "$bad" "stream script $archive failed"
    plain_tar=$dir/image.tar
  else
    die "$bad" "$archive is not a docker-archive (expected a tar, a .tar.gz or a streamLayeredImage script)"
  fi
}
