# `nix eval --apply` functions (proof/nix/run.sh and proof/adopt/run.sh evaluate `.#packages`, `.#devShells`,
# `.#formatter` and `.#checks` with the matching one): they force every output the docs name, on every system, and
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
    pnpmDeps = deps d.pnpmDeps;
    description = d.meta.description;
    pname = d.pname;
  };
  deps = d: {
    inherit (d)
      name
      fetcherVersion
      hash
      pnpmWorkspaces
      pnpmInstallFlags
      prePnpmInstall
      ;
    pnpm = d.pnpm.name;
    pnpmNode = d.pnpm.stubArgs.nodejs-slim.name;
    src = "${d.src}";
  };
  image = d: {
    inherit (d) name imageName imageTag;
    inherit (d.stubArgs) config fakeRootCommands;
    created = d.stubArgs.created or null;
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
    # devenv's root (one .devenv for the checkout) and what `devenv up` re-enters outside direnv
    root = s.config.devenv.root;
    upCommand = s.config.devenvUpCommand;
  };
in
{
  # Every package by what its name says it is: default, pnpm-deps, image-<app>, or an app's tree.
  packages = builtins.mapAttrs (
    _: p:
    builtins.mapAttrs (
      name: d:
      if name == "default" then
        {
          inherit (d) name;
          entries = map (e: {
            inherit (e) name;
            path = e.path.name;
          }) d.entries;
        }
      else if name == "pnpm-deps" then
        deps d
      else if builtins.substring 0 6 name == "image-" then
        image d
      else
        app d
    ) p
  );
  devShells = builtins.mapAttrs (_: builtins.mapAttrs (_: shell));
  formatter = builtins.mapAttrs (_: f: f.name);
  checks = builtins.mapAttrs (_: c: builtins.mapAttrs (_: d: d.name) c);
}
