# shellcheck shell=bash
# Messages for the scripts: everything on stderr (stdout carries only a script's result), each line prefixed
# with the script's name. The sourcing script sets `prog` first.
#
#   log TEXT...        a line of progress
#   die CODE TEXT...   an error line, then exit CODE

log() { printf '%s: %s\n' "${prog:?set prog before sourcing lib/log.sh}" "$*" >&2; }
die() {
  local code=$1
  shift
  printf '%s: error: %s\n' "${prog:?set prog before sourcing lib/log.sh}" "$*" >&2
  exit "$code"
}
