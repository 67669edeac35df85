// `pnpm turbo gen app`: a new app under apps/ that the whole repository picks up with no other edit (pnpm
// workspace, turbo tasks, the flake's <name>/image-<name>/dev-<name>, push scripts, CI's affected list), because
// all of them discover apps by their `runtime` field. Asks for a name and a kind (next or node); non-interactive:
// `pnpm turbo gen app --args <name> <kind>`. Templates: ./templates/<kind>, small versions of apps/web and
// apps/api. Plop's API: https://plopjs.com/documentation/ (through @turbo/gen's PlopTypes).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlopTypes } from "@turbo/gen";
import { appName } from "@repo/contracts/runtime";

const kinds = ["next", "node"] as const;
type Kind = (typeof kinds)[number];

interface Answers {
  name: string;
  kind: Kind;
  turbo: { paths: { root: string } };
}

/** The first port above every app's own, so the new app's dev server and image never collide with another. */
function nextPort(root: string): number {
  const apps = join(root, "apps");
  const ports = readdirSync(apps)
    .map((dir) => join(apps, dir, "package.json"))
    .filter((file) => existsSync(file))
    .map(
      (file) =>
        (JSON.parse(readFileSync(file, "utf8")) as { runtime?: { port?: number } }).runtime?.port ?? 0,
    );
  return Math.max(3000, ...ports) + 1;
}

export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator("app", {
    description: "A new app under apps/ (Next.js or Node.js), with its runtime field, tests and dev shell",
    prompts: [
      {
        type: "input",
        name: "name",
        message: "App name (its directory, package and image suffix, e.g. admin):",
        validate: (input: string) => {
          const parsed = appName.safeParse(input);
          if (!parsed.success)
            return `'${input}' ${parsed.error.issues[0]?.message ?? "is not a valid app name"}`;
          if (existsSync(join(plop.getDestBasePath(), "apps", input))) return `apps/${input} already exists`;
          return true;
        },
      },
      {
        type: "list",
        name: "kind",
        message: "Kind:",
        choices: [
          { name: "next: a Next.js app (standalone server)", value: "next" },
          { name: "node: a Node.js HTTP service (one esbuild bundle)", value: "node" },
        ],
        validate: (input: string) =>
          kinds.includes(input as Kind) || `kind must be one of ${kinds.join(", ")}`,
      },
    ],
    actions: (data) => {
      const answers = data as Answers;
      if (!kinds.includes(answers.kind))
        throw new Error(`kind must be one of ${kinds.join(", ")}, not '${answers.kind}'`);
      const root = answers.turbo.paths.root;
      const project = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string }).name;
      const prefix = answers.name.toUpperCase().replaceAll("-", "_");
      const port = nextPort(root);
      // Handlebars would read the braces of `${<PREFIX>_PORT:-<port>}`: the dev script's port is written here.
      Object.assign(answers, { port, prefix, project, devPort: `\${${prefix}_PORT:-${port}}` });
      return [
        {
          type: "addMany",
          destination: "{{ turbo.paths.root }}/apps/{{ name }}",
          base: `templates/${answers.kind}`,
          templateFiles: `templates/${answers.kind}/**/*`,
          globOptions: { dot: true },
          stripExtensions: ["hbs"],
        },
        // Link the app into the workspace (pnpm-lock.yaml gets its importer; every dependency is already in the
        // lockfile, so this needs no download and the Nix dependency hash stays the same). The lockfile must
        // change, so never frozen, even where CI=true makes that pnpm's default.
        () => {
          execFileSync("pnpm", ["install", "--prefer-offline", "--no-frozen-lockfile"], {
            cwd: root,
            stdio: "inherit",
          });
          return `pnpm install: apps/${answers.name} linked`;
        },
        // Its Kubernetes manifests, from the runtime field just written (deploy/kubernetes/base/apps/<name>.yaml).
        () => {
          execFileSync(process.execPath, ["scripts/render-kubernetes.mjs"], { cwd: root, stdio: "inherit" });
          return `deploy/kubernetes/base/apps/${answers.name}.yaml written`;
        },
      ];
    },
  });
}
