# shellcheck shell=bash
# plain_docker_archive ARCHIVE DIR EXIT: sets `plain_tar` to ARCHIVE as a plain docker-archive tar, decompressed
# into DIR when it is a .tar.gz (what dockerTools.buildLayeredImage writes): some skopeo and podman builds read
# no gzip. Anything else ends the script with EXIT. Needs `log` and `die`.
# shellcheck disable=SC2034 # plain_tar is read by the sourcing script
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
