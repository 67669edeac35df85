# What the whole JavaScript workspace shares: the toolchain, the build source, and one fetchPnpmDeps for
# every app, so there is one hash to keep (nix/pnpm-deps-hash, rewritten by scripts/update-pnpm-hash.sh).
{
  lib,
  pkgs,
  fetchPnpmDeps,
}:
let
  # The one Node.js knob for shells, builds and images: .nvmrc, which CI and nvm read too.
  nodeMajor = lib.fileContents ../.nvmrc;
  nodejs = pkgs."nodejs_${nodeMajor}";
  nodejs-slim = pkgs."nodejs-slim_${nodeMajor}";
  # On our Node.js: pnpm checks engines.node (engine-strict) against the node it runs on.
  pnpm = pkgs.pnpm_10.override { inherit nodejs-slim; };

  root = ../.;
  project = (lib.importJSON ../package.json).name;
  # An allowlist of what the builds read, without build leftovers: editing docs, scripts or Nix files,
  # or building in a used checkout, rebuilds nothing.
  topLevel = [
    "package.json"
    "pnpm-lock.yaml"
    "pnpm-workspace.yaml"
    ".npmrc"
    "apps"
    "packages"
    "tooling"
  ];
  leftovers = [
    "node_modules"
    ".next"
    "dist"
    ".turbo"
    "coverage"
    ".reports"
    ".direnv"
    ".devenv"
    ".envrc"
    ".image-digest"
    "next-env.d.ts"
  ];
  src = builtins.path {
    path = root;
    name = "${project}-source";
    filter =
      path: _type:
      let
        top = builtins.head (lib.splitString "/" (lib.removePrefix "${toString root}/" (toString path)));
      in
      builtins.elem top topLevel && !(builtins.elem (baseNameOf path) leftovers);
  };
in
{
  inherit nodejs nodejs-slim pnpm src;

  # No telemetry from builds and shells.
  buildEnv = {
    NEXT_TELEMETRY_DISABLED = "1";
    TURBO_TELEMETRY_DISABLED = "1";
    DO_NOT_TRACK = "1";
  };

  # The whole workspace's store, for the Linux platforms the images run on (x64 and arm64, glibc), so one
  # hash serves both. The fetcher's `pnpm install --force` would ignore those flags and fetch every
  # platform's binaries (a 2 GiB store): prePnpmInstall drops --force. `pnpm install` outside Nix is unchanged.
  pnpmDeps = fetchPnpmDeps {
    pname = project;
    inherit src pnpm;
    fetcherVersion = 3;
    pnpmInstallFlags = [
      "--os=linux"
      "--cpu=x64"
      "--cpu=arm64"
      "--libc=glibc"
    ];
    prePnpmInstall = ''
      pnpm() {
        local arg args=()
        for arg in "$@"; do [ "$arg" = --force ] || args+=("$arg"); done
        command pnpm "''${args[@]}"
      }
    '';
    hash = lib.fileContents ./pnpm-deps-hash;
  };
}
