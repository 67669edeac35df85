# `nix eval --apply` functions (tests/nix/run.sh evaluates `.#packages`, `.#devShells`, `.#formatter`
# and `.#checks` with the matching one): they force every output the docs name, on every system, and
# return the parts the tests read, as JSON. Only works against the stand-in inputs in ./stub.
let
  names = map (d: d.name);
  app = d: {
    inherit (d)
      name
      buildPhase
      installPhase
      installCheckPhase
      env
      entry
      cacheDir
      ;
    out = d.outPath;
    src = "${d.src}";
    inputs = names d.nativeBuildInputs;
    dontFixup = d.dontFixup or false;
    disallowedReferences = names (d.disallowedReferences or [ ]);
    pnpmDeps = {
      inherit (d.pnpmDeps)
        name
        fetcherVersion
        hash
        pnpmWorkspaces
        pnpmInstallFlags
        prePnpmInstall
        ;
      pnpm = d.pnpmDeps.pnpm.name;
      pnpmNode = d.pnpmDeps.pnpm.stubArgs.nodejs-slim.name;
      src = "${d.pnpmDeps.src}";
    };
  };
  image = d: {
    inherit (d) name imageName imageTag;
    inherit (d.stubArgs) config fakeRootCommands created;
    contents = names d.stubArgs.contents;
    passwd = builtins.concatMap (c: c.extraPasswdLines or [ ]) d.stubArgs.contents;
  };
  shell = s: {
    inherit (s.config) env enterShell;
    postgres =
      if s.config.services ? postgres then
        s.config.services.postgres
        // {
          package = s.config.services.postgres.package.name;
        }
      else
        null;
    packages = names s.config.packages;
    # the commands each package puts on PATH (the stand-ins list them), and devenv's scripts
    commands = builtins.concatMap (p: p.bins or [ ]) s.config.packages ++ builtins.attrNames s.config.scripts;
    scripts = builtins.mapAttrs (_: v: v.exec) s.config.scripts;
  };
in
{
  # The apps and images, on the systems that have them (Linux); devenvOutputs lists the rest.
  packages =
    ps:
    builtins.mapAttrs
      (_: p: {
        web = app p.web;
        api = app p.api;
        image-web = image p.image-web;
        image-api = image p.image-api;
        default = {
          inherit (p.default) name;
          entries = map (e: {
            inherit (e) name;
            path = e.path.name;
          }) p.default.entries;
        };
      })
      (removeAttrs ps (builtins.filter (system: !(ps.${system} ? web)) (builtins.attrNames ps)));
  # `devenv up` / `devenv test` outputs per system: output name -> derivation name.
  devenvOutputs = builtins.mapAttrs (
    _: p:
    builtins.mapAttrs (_: d: d.name) (
      removeAttrs p (
        builtins.filter (n: builtins.match ".*devenv-(up|test)" n == null) (builtins.attrNames p)
      )
    )
  );
  devShells = builtins.mapAttrs (_: builtins.mapAttrs (_: shell));
  formatter = builtins.mapAttrs (_: f: f.name);
  checks = builtins.mapAttrs (_: c: builtins.mapAttrs (_: d: d.name) c);
}
