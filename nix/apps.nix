# The apps, discovered: every directory under apps/ whose package.json has a `runtime` field (kind next or
# node, port, ready, entry, writableDirs, env, needs). Nothing here lists an app by name:
# adding apps/<name> (`pnpm turbo gen app`) adds its package, image, dev shell, push and CI legs.
#
#   project       the root package.json's name: image names are <project>-<app>
#   apps.<name>   the app's runtime field plus what follows from it: imageName, env and labels on top of
#                 nix/image-settings.nix, and cacheDir (kind next: Next.js writes <tree>/<dir>/.next/cache)
#
# Plain data, no pkgs: Debian's Nix 2.8 evaluates it alone (`nix-instantiate --eval --strict --json nix/apps.nix`),
# and reading package.json with builtins.readFile needs no import-from-derivation.
let
  common = import ./image-settings.nix;
  project = (builtins.fromJSON (builtins.readFile ../package.json)).name;

  manifestOf = name: builtins.fromJSON (builtins.readFile (../apps + "/${name}/package.json"));
  isApp =
    name: type:
    type == "directory"
    && builtins.pathExists (../apps + "/${name}/package.json")
    && (manifestOf name) ? runtime;
  entries = builtins.readDir ../apps;
  names = builtins.filter (name: isApp name entries.${name}) (builtins.attrNames entries);

  kinds = {
    next = "Next.js standalone server";
    node = "Node.js bundle";
  };

  settingsOf =
    name:
    let
      manifest = manifestOf name;
      runtime = manifest.runtime;
      imageName = "${project}-${name}";
      description = "${imageName}: ${kinds.${runtime.kind}} on Node.js";
    in
    assert
      manifest.name == name
      || throw "apps/${name}/package.json: name is ${manifest.name}; it must be the directory's name, ${name}";
    assert kinds ? ${runtime.kind} || throw "apps/${name}: runtime.kind ${runtime.kind} is not next or node";
    {
      inherit name imageName description;
      inherit (manifest) version;
      dir = "apps/${name}";
      inherit (runtime)
        kind
        port
        ready
        entry
        writableDirs
        needs
        ;
      env = common.env // runtime.env;
      cacheDir = if runtime.kind == "next" then "/var/cache/${imageName}" else null;
      labels = common.labels // {
        "org.opencontainers.image.title" = imageName;
        "org.opencontainers.image.description" = description;
      };
    };
in
{
  inherit project;
  # user, created, tag: every image's; env: what every image sets under its app's runtime.env.
  inherit (common)
    user
    created
    tag
    env
    ;
  apps = builtins.listToAttrs (
    map (name: {
      inherit name;
      value = settingsOf name;
    }) names
  );
}
