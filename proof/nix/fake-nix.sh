#!/usr/bin/env bash
# A stand-in `nix` for testing scripts/update-pnpm-hash.sh (proof/nix/run.sh puts it first on PATH).
#   FAKE_NIX_GOT=sha256-…   fail like a fixed-output hash mismatch, reporting this hash
#   FAKE_NIX_FAIL=message   fail with this message instead (no `got:` line)
#   FAKE_NIX_SEEN=file      append the arguments and the hash file's content at call time
set -euo pipefail
if [ -n "${FAKE_NIX_SEEN:-}" ]; then
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  {
    echo "args: $*"
    echo "hash file: $(cat "$root/nix/pnpm-deps-hash")"
  } >>"$FAKE_NIX_SEEN"
fi
if [ -n "${FAKE_NIX_FAIL:-}" ]; then
  echo "$FAKE_NIX_FAIL" >&2
  exit 1
fi
cat >&2 <<MSG
warning: found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
error: hash mismatch in fixed-output derivation '/nix/store/0000000000000000000000000000000a-nix-sample-pnpm-deps.drv':
         specified: sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
            got:    ${FAKE_NIX_GOT:?}
error: 1 dependencies of derivation '/nix/store/0000000000000000000000000000000b-nix-sample-pnpm-deps.drv' failed to build
MSG
exit 1
