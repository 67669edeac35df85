# What the whole JavaScript workspace shares: the toolchain (one Node.js knob), the source the builds
# see, and ONE fetchPnpmDeps for every app, so there is one hash to keep (nix/pnpm-deps-hash).
{
  lib,
  pkgs,
  fetchPnpmDeps,
}:
let
  # The one Node.js knob: the dev shells, the builds and the images all follow it. Keep .nvmrc equal.
  nodeMajor = "22";

  nodejs = pkgs."nodejs_${nodeMajor}";
  nodejs-slim = pkgs."nodejs-slim_${nodeMajor}";

  # pnpm 10 (lockfile v9). Run it on our Node.js rather than nixpkgs' default one: the root package.json
  # has engines.node ">=22.12 <23" and .npmrc engine-strict=true, and pnpm checks engines against the
  # Node.js it runs on. pkgs/development/tools/pnpm/generic.nix takes `nodejs-slim` (bare node: pnpm needs
  # no npm); its old `nodejs` argument is a deprecated alias that warns on every evaluation.
  pnpm = pkgs.pnpm_10.override { inherit nodejs-slim; };

  root = ../.;

  # The build source is an allowlist: the files the builds read (pnpm's manifests and settings, the apps
  # and the shared packages), without build leftovers, so `nix build path:.` in a used checkout sees a
  # clean tree and editing docs, tests, bench or the Nix files never rebuilds the apps.
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
  keep =
    path: type:
    let
      rel = lib.removePrefix (toString root + "/") (toString path);
      top = builtins.head (lib.splitString "/" rel);
    in
    builtins.elem top topLevel && !(builtins.elem (baseNameOf path) leftovers);

  src = builtins.path {
    path = root;
    name = "${project}-source";
    filter = keep;
  };

  # The project's name (root package.json), for the store paths' names.
  project = (builtins.fromJSON (builtins.readFile (root + "/package.json"))).name;
in
{
  inherit
    nodeMajor
    nodejs
    nodejs-slim
    pnpm
    src
    ;

  # No telemetry from a build: it runs offline in the sandbox anyway.
  buildEnv = {
    NEXT_TELEMETRY_DISABLED = "1";
    TURBO_TELEMETRY_DISABLED = "1";
    DO_NOT_TRACK = "1";
  };

  # One store for the whole workspace (no pnpmWorkspaces filter: the build installs the whole workspace
  # too, exactly `pnpm install --offline --frozen-lockfile --ignore-scripts`). The fetcher's own
  # `pnpm install --force` would fetch every platform's optional packages (macOS, Windows and musl
  # binaries of esbuild, Next's SWC, turbo…: a 2 GiB store); prePnpmInstall drops --force and
  # pnpmInstallFlags names the platforms the images run on — Linux, x64 and arm64, glibc — so one hash
  # still serves x86_64-linux and aarch64-linux (docs/nix.md has the sizes). Both live in files that
  # scripts/update-pnpm-hash.sh --replay reads too. Only the fetcher is restricted: a developer's plain
  # `pnpm install` on macOS still gets its own binaries.
  # fetcherVersion 3 = reproducible pnpm-store.tar.zst (pnpm 10); the hash: nix/pnpm-deps-hash.
  # Source read: pkgs/build-support/node/fetch-pnpm-deps/default.nix.
  pnpmDeps = fetchPnpmDeps {
    pname = project;
    inherit src pnpm;
    fetcherVersion = 3;
    prePnpmInstall = builtins.readFile ./pnpm-pre-install.sh;
    pnpmInstallFlags = lib.importJSON ./pnpm-install-flags.json;
    hash = lib.fileContents ./pnpm-deps-hash;
  };
}
