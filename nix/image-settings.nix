# What every app's OCI image shares, as plain data: the user, the fixed creation time, the tag, the
# environment and the labels every image starts from. What differs per app is the app's own `runtime`
# field in apps/<name>/package.json; nix/apps.nix joins the two.
# No functions, no pkgs: Debian's Nix 2.8 evaluates this file on its own (`nix-instantiate --eval`).
let
  # The project's name and repository, in one place: the root package.json (`name`, `repository.url`).
  # Making the template yours changes them there (docs/apps.md).
  project = builtins.fromJSON (builtins.readFile ../package.json);
in
{
  # One unprivileged user for every image; it may write only its image's writableDirs.
  user = {
    name = "app";
    uid = 1000;
    gid = 1000;
  };

  # Fixed image creation time: the same inputs give the same image digest (dockerTools' default too).
  created = "1970-01-01T00:00:01Z";
  tag = "latest";

  # Under every app's own `runtime.env`.
  env = {
    NODE_ENV = "production";
    NEXT_TELEMETRY_DISABLED = "1";
    TURBO_TELEMETRY_DISABLED = "1";
    DO_NOT_TRACK = "1";
  };

  # OCI annotations; nix/apps.nix adds each image's title and description.
  labels = {
    "org.opencontainers.image.source" = project.repository.url;
    "org.opencontainers.image.licenses" = "MIT";
  };
}
