// `pnpm turbo gen app` (or `pnpm turbo gen app --args <name> <next|node>`): a new app under apps/ from
// ./templates/<kind>, linked into the workspace, with its Kubernetes base in deploy/kubernetes. The flake, the
// image scripts and CI find it by its `runtime` field. Plop's API: https://plopjs.com/documentation/
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlopTypes } from "@turbo/gen";

const kinds = ["next", "node"];
const readJson = (file: string) =>
  JSON.parse(readFileSync(file, "utf8")) as {
    name: string;
    repository: { url: string };
    runtime?: { port?: number };
  };

/** The first port above every app's own. */
function nextPort(root: string): number {
  const ports = readdirSync(join(root, "apps"))
    .map((dir) => join(root, "apps", dir, "package.json"))
    .filter((file) => existsSync(file))
    .map((file) => Number(readJson(file).runtime?.port ?? 0));
  return Math.max(3000, ...ports) + 1;
}

export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator("app", {
    description: "A new app under apps/ (Next.js or a Node.js HTTP service) with its Kubernetes manifests",
    prompts: [
      {
        type: "input",
        name: "name",
        message: "App name (its directory, package, image and Kubernetes name, e.g. admin):",
        validate: (input: string) => {
          if (!/^[a-z][a-z0-9-]{0,30}$/.test(input))
            return "lowercase letters, digits and dashes, starting with a letter";
          return existsSync(join(plop.getDestBasePath(), "apps", input))
            ? `apps/${input} already exists`
            : true;
        },
      },
      { type: "list", name: "kind", message: "Kind:", choices: kinds },
    ],
    actions: (data) => {
      const answers = data as { name: string; kind: string; turbo: { paths: { root: string } } };
      if (!kinds.includes(answers.kind)) throw new Error(`kind must be one of ${kinds.join(", ")}`);
      const root = answers.turbo.paths.root;
      const { name: project, repository } = readJson(join(root, "package.json"));
      const prefix = answers.name.toUpperCase().replaceAll("-", "_");
      const port = nextPort(root);
      Object.assign(answers, {
        port,
        prefix,
        project,
        // ghcr.io/<owner>/<repo>, where CI pushes the images.
        repository: new URL(repository.url).pathname
          .slice(1)
          .replace(/\.git$/, "")
          .toLowerCase(),
        cacheDir: answers.kind === "next" ? `/var/cache/${project}-${answers.name}` : "",
        // Handlebars would read the braces of `${<PREFIX>_PORT:-<port>}`.
        devPort: `\${${prefix}_PORT:-${port}}`,
      });
      return [
        {
          type: "addMany",
          destination: "{{ turbo.paths.root }}/apps/{{ name }}",
          base: `templates/${answers.kind}`,
          templateFiles: `templates/${answers.kind}/**/*`,
          globOptions: { dot: true },
          stripExtensions: ["hbs"],
        },
        {
          type: "add",
          path: "{{ turbo.paths.root }}/deploy/kubernetes/base/{{ name }}.yaml",
          templateFile: "templates/kubernetes.yaml.hbs",
        },
        {
          type: "modify",
          path: "{{ turbo.paths.root }}/deploy/kubernetes/base/kustomization.yaml",
          pattern: /^resources:\n/m,
          template: "resources:\n  - {{ name }}.yaml\n",
        },
        // Every dependency is in the lockfile already: this only links the app (the lockfile gains its importer).
        () => {
          execFileSync("pnpm", ["install", "--prefer-offline", "--no-frozen-lockfile"], {
            cwd: root,
            stdio: "inherit",
          });
          return `pnpm install: apps/${answers.name} linked`;
        },
      ];
    },
  });
}
