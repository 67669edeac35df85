// The one field an app describes itself with: `runtime` in apps/<name>/package.json. Everything that needs the
// list of apps reads it from there (nix/apps.nix, scripts/lib/apps.sh, CI); this schema is what it must look
// like, and test/runtime.test.ts checks every app against it. Kinds: `next` (a Next.js standalone tree, built
// by nix/next-app.nix) and `node` (a bundle in dist/, built by nix/node-app.nix).
import { z } from "zod";

/** An app's name: its directory under apps/, its package name, the suffix of its image `<project>-<name>`. */
export const appName = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
    error: "must be lowercase letters and digits, words joined by single hyphens, starting with a letter",
  })
  .max(40)
  .refine((name) => name !== "default" && name !== "pnpm-deps" && !name.startsWith("image-"), {
    error: "default, pnpm-deps and image-* are names of other flake packages",
  });

const absoluteDir = z
  .string()
  .regex(/^(\/[A-Za-z0-9._-]+)+$/, { error: "must be an absolute directory path" })
  .refine((dir) => !dir.split("/").some((part) => part === "." || part === ".."), {
    error: "must not contain . or ..",
  });

const relativeFile = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
    error: "must be a relative path inside the runtime tree",
  })
  .refine((file) => !file.split("/").some((part) => part === "." || part === ".."), {
    error: "must not contain . or ..",
  });

const urlPath = z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, { error: "must be an absolute URL path" });

export const runtimeSchema = z.strictObject({
  /** How the app is built and run: `next` (standalone server) or `node` (one bundle in dist/). */
  kind: z.enum(["next", "node"]),
  /** The one port its image exposes; `env` must set a `<NAME>_PORT` variable to it. */
  port: z.number().int().min(1024).max(65535),
  /** The readiness path: 2xx once it serves (the smoke test and a load balancer poll it). */
  ready: urlPath,
  /** The start script, relative to the runtime tree (`apps/<name>/start.mjs` for next, `index.mjs` for node). */
  entry: relativeFile,
  /** The only directories the image's user may write; /tmp first. A next app's cache dir must be one. */
  writableDirs: z.array(absoluteDir).min(1),
  /** The image's environment (defaults for production; nix/image-settings.nix adds the common ones). */
  env: z.record(
    z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: "must be an UPPER_CASE variable name" }),
    z.string(),
  ),
  /** The apps it needs at run time: CI smoke-runs its image with theirs. */
  needs: z.array(appName),
  /**
   * Requests that exercise what the app does, for `pnpm bench` (the bench knows no app's routes: it sends these).
   * Optional; readiness alone needs none. A POST's `json` is sent as its body.
   */
  requests: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        method: z.enum(["GET", "POST"]),
        path: urlPath,
        json: z.json().optional(),
      }),
    )
    .optional(),
});

export type Runtime = z.infer<typeof runtimeSchema>;

/** An app's package.json, as far as the repository relies on it. */
export const appManifestSchema = z
  .object({
    name: appName,
    version: z.string(),
    private: z.literal(true),
    scripts: z.object({
      dev: z.string(),
      build: z.string(),
      test: z.string(),
      lint: z.string(),
      typecheck: z.string(),
    }),
    runtime: runtimeSchema,
  })
  .superRefine((manifest, ctx) => {
    const { runtime } = manifest;
    const portVars = Object.entries(runtime.env).filter(
      ([key, value]) => key.endsWith("_PORT") && value === String(runtime.port),
    );
    if (portVars.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["runtime", "env"],
        message: `must set exactly one <NAME>_PORT variable to the port ${runtime.port}`,
      });
    }
    if (runtime.needs.includes(manifest.name)) {
      ctx.addIssue({ code: "custom", path: ["runtime", "needs"], message: "an app cannot need itself" });
    }
    if (runtime.kind === "next" && !runtime.entry.startsWith(`apps/${manifest.name}/`)) {
      ctx.addIssue({
        code: "custom",
        path: ["runtime", "entry"],
        message: `a next app's standalone tree keeps it under apps/${manifest.name}/`,
      });
    }
  });

export type AppManifest = z.infer<typeof appManifestSchema>;
