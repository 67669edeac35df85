# The Express API as a runtime tree: apps/api/dist, one esbuild bundle with its dependencies inlined
# (no node_modules). Run it with `node $out/index.mjs` (settings.entry).
{
  lib,
  stdenvNoCC,
  pnpmConfigHook,
  workspace,
  settings,
}:
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "nix-sample-api";
  version = workspace.versionOf "apps/api";

  inherit (workspace) src pnpmDeps;

  nativeBuildInputs = [
    workspace.nodejs
    workspace.pnpm
    pnpmConfigHook
  ];

  env = workspace.buildEnv;

  # The bundle must not reference the build's Node.js or pnpm (the image runs nodejs-slim), see nix/web.nix.
  disallowedReferences = [
    workspace.nodejs
    workspace.pnpm
  ];

  # The exact command tests/nix/run.sh runs offline (it reads this phase from the flake).
  buildPhase = ''
    runHook preBuild
    pnpm --filter=api run build
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    cp -R apps/api/dist "$out"
    runHook postInstall
  '';

  # One bundle and its licence file: nothing to patch or strip.
  dontFixup = true;

  # The start entry must be in the tree (a renamed script would otherwise surface only in the image).
  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    test -f "$out/${finalAttrs.passthru.entry}"
    runHook postInstallCheck
  '';

  # nix/image.nix reads these, so an overrideAttrs on the app reaches its image.
  passthru = {
    inherit (settings) entry cacheDir;
  };

  meta = {
    description = "nix-sample API (esbuild bundle)";
    platforms = lib.platforms.linux;
  };
})
