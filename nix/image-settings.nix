# Everything about the two OCI images that is plain data, in one place. nix/image.nix turns it into
# dockerTools arguments, nix/shell.nix takes the ports from it, and tests/nix/run.sh checks it against
# the apps themselves (apps/*/src/env.ts defaults; the built API answering on `port` with this `env`).
# No functions, no pkgs: Debian's Nix 2.8 evaluates this file on its own (`nix-instantiate --eval`).
let
  # One unprivileged user for both images; it may write only its image's writableDirs.
  user = {
    name = "app";
    uid = 1000;
    gid = 1000;
  };

  telemetryOff = {
    NEXT_TELEMETRY_DISABLED = "1";
    TURBO_TELEMETRY_DISABLED = "1";
    DO_NOT_TRACK = "1";
  };

  webPort = 3000;
  apiPort = 3001;

  # OCI annotations; `title`/`description` differ per image.
  labels = title: description: {
    "org.opencontainers.image.source" = "https://github.com/nix-sample/nix-sample";
    "org.opencontainers.image.title" = title;
    "org.opencontainers.image.description" = description;
    "org.opencontainers.image.licenses" = "MIT";
  };
in
{
  inherit user;

  # Fixed image creation time: the same inputs give the same image digest (dockerTools' default too).
  created = "1970-01-01T00:00:01Z";
  tag = "latest";

  web = {
    imageName = "nix-sample-web";
    port = webPort;
    # The start entry inside the app's runtime tree (nix/web.nix installs .next/standalone as the tree).
    entry = "apps/web/start.mjs";
    # Next writes only <tree>/apps/web/.next/cache. The tree is in /nix/store (read-only), so nix/web.nix
    # makes that path a symlink to this directory, which the image creates and gives to `user`.
    cacheDir = "/var/cache/nix-sample-web";
    # The only paths the image's user may write (everything else is the read-only /nix/store): /tmp and
    # the cache. nix/image.nix makes exactly these writable and lists them in the label `writable-dirs`,
    # so a runtime (scripts/smoke-image.sh, a read-only-root Kubernetes pod) mounts tmpfs only there.
    writableDirs = [
      "/tmp"
      "/var/cache/nix-sample-web"
    ];
    env = telemetryOff // {
      NODE_ENV = "production";
      WEB_PORT = toString webPort;
      WEB_HOST = "0.0.0.0";
      # Same as the app's default; set it to the API's address (service name, pod-local port) when deploying.
      API_URL = "http://127.0.0.1:${toString apiPort}";
    };
    labels = labels "nix-sample-web" "Next.js web front end of nix-sample (standalone server on Node.js 22)";
  };

  api = {
    imageName = "nix-sample-api";
    port = apiPort;
    entry = "index.mjs";
    cacheDir = null;
    writableDirs = [ "/tmp" ];
    env = telemetryOff // {
      NODE_ENV = "production";
      API_PORT = toString apiPort;
      # The app listens on loopback by default; in a container it must listen on every interface.
      API_HOST = "0.0.0.0";
      WEB_ORIGIN = "http://localhost:${toString webPort}";
    };
    labels = labels "nix-sample-api" "Express 5 API of nix-sample (one esbuild bundle on Node.js 22)";
  };
}
