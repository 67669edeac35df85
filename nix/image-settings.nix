# What every app's image shares; nix/apps.nix adds each app's `runtime` field from its package.json.
# Plain data, so Nix alone evaluates it (`nix-instantiate --eval`) and the Kubernetes manifests can match the user.
{
  # One unprivileged user; it may write only its image's writableDirs.
  user = {
    name = "app";
    uid = 1000;
    gid = 1000;
  };

  # Under every app's own runtime.env.
  env = {
    NODE_ENV = "production";
    NEXT_TELEMETRY_DISABLED = "1";
    TURBO_TELEMETRY_DISABLED = "1";
    DO_NOT_TRACK = "1";
  };

  labels = {
    "org.opencontainers.image.source" = (builtins.fromJSON (builtins.readFile ../package.json)).repository.url;
    "org.opencontainers.image.licenses" = "MIT";
  };
}
