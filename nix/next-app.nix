# An app of kind `next` as a runtime tree: Next's standalone output (outputFileTracingRoot = repo root),
# with .next/static and public already copied in by the app's own build script. Run it with
# `node $out/${settings.entry}`. `settings` is the app's entry in nix/apps.nix.
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

  # pnpmConfigHook (postConfigure) unpacks pnpmDeps into a temp store and runs
  # `pnpm install --offline --ignore-scripts --frozen-lockfile`, then patchShebangs node_modules.
  nativeBuildInputs = [
    workspace.nodejs
    workspace.pnpm
    pnpmConfigHook
  ];

  env = workspace.buildEnv;

  # pnpmConfigHook ran patchShebangs over node_modules, pointing `#!/usr/bin/env node` at the full build
  # Node.js: a traced file carrying such a line would drag nodejs (with npm) and pnpm into the image,
  # which runs nodejs-slim. Nix refuses to register an output that references either.
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

  # Next writes only <tree>/<dir>/.next/cache; the store is read-only, so that path becomes a link to
  # a directory the image owns (passthru.cacheDir). The link dangles outside the image by design.
  installPhase = ''
    runHook preInstall
    cp -R ${settings.dir}/.next/standalone "$out"
    rm -rf "$out/${settings.dir}/.next/cache"
    ln -s ${finalAttrs.passthru.cacheDir} "$out/${settings.dir}/.next/cache"
    runHook postInstall
  '';

  # Leave the tree exactly as Next wrote it: patchShebangs would point node_modules scripts at the full
  # nodejs_22 (pulling it into the image, which runs nodejs-slim), and there is nothing to strip.
  # noBrokenSymlinks would reject the cache link above, the only link that leaves the tree.
  dontFixup = true;
  dontCheckForBrokenSymlinks = true;

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
