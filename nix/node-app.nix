# An app of kind `node` as a runtime tree: the app's dist/, which its build fills with one esbuild bundle
# with its dependencies inlined (no node_modules). Run it with `node $out/${settings.entry}`.
# `settings` is the app's entry in nix/apps.nix.
{
  lib,
  stdenvNoCC,
  pnpmConfigHook,
  workspace,
  settings,
}:
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = settings.imageName;
  inherit (settings) version;

  inherit (workspace) src pnpmDeps;

  nativeBuildInputs = [
    workspace.nodejs
    workspace.pnpm
    pnpmConfigHook
  ];

  env = workspace.buildEnv;

  # The bundle must not reference the build's Node.js or pnpm (the image runs nodejs-slim), see
  # nix/next-app.nix.
  disallowedReferences = [
    workspace.nodejs
    workspace.pnpm
  ];

  # The app's own build script, as `pnpm build` runs it outside Nix.
  buildPhase = ''
    runHook preBuild
    pnpm --filter=${settings.name} run build
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    cp -R ${settings.dir}/dist "$out"
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
    inherit (settings) description;
    platforms = lib.platforms.linux;
  };
})
