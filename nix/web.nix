# The Next.js web app as a runtime tree: Next's standalone output (outputFileTracingRoot = repo root),
# with .next/static and public already copied in by the app's own build script. Run it with
# `node $out/apps/web/start.mjs` (settings.entry).
{
  lib,
  stdenvNoCC,
  pnpmConfigHook,
  workspace,
  settings,
}:
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "nix-sample-web";
  version = workspace.versionOf "apps/web";

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

  # The exact command tests/nix/run.sh runs offline (it reads this phase from the flake).
  buildPhase = ''
    runHook preBuild
    pnpm --filter=web run build
    runHook postBuild
  '';

  # Next writes only <tree>/apps/web/.next/cache; the store is read-only, so that path becomes a link to
  # a directory the image owns (passthru.cacheDir = settings.cacheDir). The link dangles outside the image by design.
  installPhase = ''
    runHook preInstall
    cp -R apps/web/.next/standalone "$out"
    rm -rf "$out/apps/web/.next/cache"
    ln -s ${finalAttrs.passthru.cacheDir} "$out/apps/web/.next/cache"
    runHook postInstall
  '';

  # Leave the tree exactly as Next wrote it: patchShebangs would point node_modules scripts at the full
  # nodejs_22 (pulling it into the image, which runs nodejs-slim), and there is nothing to strip.
  # noBrokenSymlinks would reject the cache link above; tests/nix/run.sh checks that it is the only
  # link leaving the tree.
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
    description = "nix-sample web front end (Next.js standalone tree)";
    platforms = lib.platforms.linux;
  };
})
