# shellcheck shell=bash
# Messages on stderr (stdout carries only a script's result), each prefixed with the script's name.
prog=$(basename "$0" .sh)
log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "${*:2}" >&2 && exit "$1"; } # die CODE TEXT...
