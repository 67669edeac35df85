# The apps, discovered: every apps/<name> whose package.json has a `runtime` field (kind next or node, port,
# ready, entry, writableDirs, env, needs), so a generated app gets its package, image, shell and CI legs.
# Plain data: Nix evaluates it alone (`nix-instantiate --eval --strict --json nix/apps.nix`), no import-from-derivation.
let
  common = import ./image-settings.nix;
  project = (builtins.fromJSON (builtins.readFile ../package.json)).name;
  manifestOf = name: builtins.fromJSON (builtins.readFile (../apps + "/${name}/package.json"));
  isApp = name: builtins.pathExists (../apps + "/${name}/package.json") && (manifestOf name) ? runtime;
  kinds = {
    next = "Next.js standalone server";
    node = "Node.js bundle";
  };

  settingsOf =
    name:
    let
      manifest = manifestOf name;
      inherit (manifest) runtime;
      imageName = "${project}-${name}";
      description = "${imageName}: ${kinds.${runtime.kind}} on Node.js";
    in
    assert manifest.name == name || throw "apps/${name}/package.json: name must be the directory's, ${name}";
    assert kinds ? ${runtime.kind} || throw "apps/${name}: runtime.kind ${runtime.kind} is not next or node";
    runtime
    // {
      inherit name imageName description;
      inherit (manifest) version;
      dir = "apps/${name}";
      env = common.env // runtime.env;
      # Next.js writes <tree>/<dir>/.next/cache at run time; the image gives it this directory instead.
      cacheDir = if runtime.kind == "next" then "/var/cache/${imageName}" else null;
      labels = common.labels // {
        "org.opencontainers.image.title" = imageName;
        "org.opencontainers.image.description" = description;
      };
    };
in
{
  inherit project;
  inherit (common) user env;
  apps = builtins.listToAttrs (
    map (name: {
      inherit name;
      value = settingsOf name;
    }) (builtins.filter isApp (builtins.attrNames (builtins.readDir ../apps)))
  );
}
