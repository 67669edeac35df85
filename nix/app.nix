# One app's runtime tree, made by its own build script from the shared pnpm store: Next.js's standalone
# output (kind next) or the bundle in dist/ (kind node). The image runs `node $out/${settings.entry}`.
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

  # pnpmConfigHook installs pnpmDeps offline, before the build.
  nativeBuildInputs = [
    workspace.nodejs
    workspace.pnpm
    pnpmConfigHook
  ];
  env = workspace.buildEnv;

  buildPhase = ''
    runHook preBuild
    pnpm --filter=${settings.name} run build
    runHook postBuild
  '';

  # Next.js writes <tree>/<dir>/.next/cache at run time; the store is read-only, so it becomes a link
  # to the image's cacheDir (dangling outside the image).
  installPhase = ''
    runHook preInstall
    cp -R ${settings.dir}/${if settings.kind == "next" then ".next/standalone" else "dist"} "$out"
    ${lib.optionalString (settings.kind == "next") ''
      rm -rf "$out/${settings.dir}/.next/cache"
      ln -s ${finalAttrs.passthru.cacheDir} "$out/${settings.dir}/.next/cache"
    ''}
    runHook postInstall
  '';

  # Leave the tree as the build wrote it: patchShebangs would point scripts at the build's full Node.js,
  # dragging it (and npm) into an image that runs nodejs-slim. These references fail the build instead.
  dontFixup = true;
  dontCheckForBrokenSymlinks = true;
  disallowedReferences = [
    workspace.nodejs
    workspace.pnpm
  ];

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    test -f "$out/${finalAttrs.passthru.entry}"
    runHook postInstallCheck
  '';

  # nix/image.nix reads these, so an overrideAttrs of the app reaches its image.
  passthru = {
    inherit (settings) entry cacheDir;
  };

  meta = {
    inherit (settings) description;
    platforms = lib.platforms.linux;
  };
})
