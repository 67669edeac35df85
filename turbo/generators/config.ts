// `pnpm turbo gen app [--args <name> <next|node>]`: apps/<name> from ./templates, its package.json (its `runtime`
// field is how the flake, the image scripts and CI find it) and its Kubernetes base.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PlopTypes } from "@turbo/gen";

type Answers = { name: string; kind: string; turbo: { paths: { root: string } } };
type Manifest = { name: string; repository: { url: string }; runtime?: { port: number } };
const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Manifest;
const catalog = (...names: string[]) => Object.fromEntries(names.map((name) => [name, "catalog:"]));

function packageJson(root: string, name: string, kind: string) {
  const manifests = readdirSync(join(root, "apps"))
    .map((app) => join(root, "apps", app, "package.json"))
    .filter((file) => existsSync(file));
  const port = Math.max(3000, ...manifests.map((file) => read(file).runtime?.port ?? 0)) + 1;
  const prefix = name.toUpperCase().replaceAll("-", "_");
  const next = kind === "next";
  return {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    runtime: {
      kind,
      port,
      ready: "/ready",
      entry: next ? `apps/${name}/start.mjs` : "index.mjs",
      writableDirs: next ? ["/tmp", `/var/cache/${read(join(root, "package.json")).name}-${name}`] : ["/tmp"],
      env: { [`${prefix}_PORT`]: String(port), [`${prefix}_HOST`]: "0.0.0.0" },
      needs: [],
    },
    scripts: {
      dev: next
        ? `next dev --port \${${prefix}_PORT:-${port}}`
        : "node --watch --watch-preserve-output src/index.ts",
      build: next
        ? "next build && complete-standalone"
        : "esbuild src/index.ts --bundle --platform=node --target=node26 --format=esm --outfile=dist/index.mjs",
      start: next ? `node .next/standalone/apps/${name}/start.mjs` : "node dist/index.mjs",
      test: "vitest run --reporter=default --reporter=json --outputFile=.reports/unit.json",
      lint: "eslint . --max-warnings 0",
      typecheck: next ? "next typegen && tsc --noEmit" : "tsc --noEmit",
    },
    dependencies: {
      "@repo/server": "workspace:*",
      ...catalog("zod", ...(next ? ["next", "react", "react-dom"] : [])),
    },
    devDependencies: {
      "@repo/eslint-config": "workspace:*",
      "@repo/typescript-config": "workspace:*",
      ...catalog("@types/node", "eslint", "typescript", "vitest"),
      ...(next ? catalog("@types/react", "@types/react-dom") : catalog("esbuild")),
    },
  };
}

export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator("app", {
    description: "A new app under apps/ (Next.js or a Node.js HTTP service) with its Kubernetes manifests",
    prompts: [
      {
        type: "input",
        name: "name",
        message: "App name (its directory, package and image name), e.g. admin:",
        validate: (name: string) =>
          !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 30
            ? "lowercase words joined by single dashes"
            : !existsSync(join(plop.getDestBasePath(), "apps", name)) || `apps/${name} already exists`,
      },
      { type: "list", name: "kind", message: "Kind:", choices: ["next", "node"] },
    ],
    actions: (data) => {
      const { name, kind, turbo } = data as Answers;
      const { root } = turbo.paths;
      const pkg = packageJson(root, name, kind);
      const { name: project, repository } = read(join(root, "package.json"));
      // Images are ghcr.io/<owner>/<repository>/<project>-<app>, where CI pushes them.
      const registryPath = new URL(repository.url).pathname.slice(1).toLowerCase();
      Object.assign(data, { ...pkg.runtime, project, registryPath });
      return [
        ...[kind, "shared"].map((dir) => ({
          type: "addMany",
          destination: `${root}/apps/${name}`,
          base: `templates/${dir}`,
          templateFiles: `templates/${dir}/**/*`,
          stripExtensions: ["hbs"],
        })),
        () => {
          writeFileSync(join(root, "apps", name, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
          return `apps/${name}/package.json`;
        },
        {
          type: "add",
          path: `${root}/deploy/kubernetes/base/${name}.yaml`,
          templateFile: "templates/kubernetes.yaml.hbs",
        },
        {
          type: "modify",
          path: `${root}/deploy/kubernetes/base/kustomization.yaml`,
          pattern: /^resources:\n/m,
          template: `resources:\n  - ${name}.yaml\n`,
        },
        // Every dependency is in the lockfile already: this links the app (the lockfile gains its importer).
        () => {
          const args = ["install", "--prefer-offline", "--no-frozen-lockfile"];
          execFileSync("pnpm", args, { cwd: root, stdio: "inherit" });
          return `apps/${name} linked`;
        },
      ];
    },
  });
}
