// Starts the production builds the way users (and the images) run them, as real processes on 127.0.0.1:
// the bundled API (dist/index.mjs), the standalone web server through its start entry, and the bare
// node:http reference. The same patterns as apps/web/e2e/support.ts, in plain ESM.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { captureOutput, freePort, now, repoRoot, until } from "./proc.mjs";

export const paths = (root = repoRoot) => ({
  root,
  apiEntry: join(root, "apps/api/dist/index.mjs"),
  apiDist: join(root, "apps/api/dist"),
  webEntry: join(root, "apps/web/.next/standalone/apps/web/start.mjs"),
  webStandalone: join(root, "apps/web/.next/standalone"),
});

/** Throws a clear message when the builds are missing (neither the bench's load part nor the tests build). */
export function requireBuilds(root = repoRoot) {
  const p = paths(root);
  const missing = [p.apiEntry, p.webEntry].filter((f) => !existsSync(f));
  if (missing.length)
    throw new Error(`missing build output: ${missing.join(", ")}; run \`pnpm build\` first`);
  return p;
}

/** Every server started here and still running; killAll() ends them (by PID) when a run is cut short. */
const live = new Set();
export function killAll() {
  for (const child of live) child.kill("SIGKILL");
}

function launch(args, env, cwd) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.on("exit", () => live.delete(child));
  const output = captureOutput(child);
  const exit = new Promise((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: now() })),
  );
  return {
    child,
    pid: child.pid,
    output,
    exit,
    alive: () => child.exitCode === null && child.signalCode === null,
    /** Sends `signal` (once) and waits for the exit; SIGKILL after `ms`. */
    async stop(signal = "SIGTERM", ms = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}

/** The bundled API on a free port, logging nothing (override with env.LOG_LEVEL). */
export async function startApi(root = repoRoot, env = {}) {
  const { apiEntry } = requireBuilds(root);
  // Under load the per-request log lines would dominate, so LOG_LEVEL is silent, which also hides the
  // "listening" line that says which port API_PORT=0 got: pick a free port here instead.
  const port = env.API_PORT && env.API_PORT !== "0" ? Number(env.API_PORT) : await freePort();
  const proc = launch([apiEntry], {
    API_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...env,
    API_PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}`;
  await until("the API to answer /health", async () => {
    if (!proc.alive()) throw new Error(`api exited early:\n${proc.output()}`);
    return fetch(`${url}/health`).then(
      (r) => (r.ok ? true : undefined),
      () => undefined,
    );
  });
  return { ...proc, url, port };
}

/** The standalone web server through its start entry (what `pnpm start` and the image run). */
export async function startWeb(apiUrl, root = repoRoot, env = {}) {
  const { webEntry } = requireBuilds(root);
  const port = await freePort();
  const proc = launch([webEntry], {
    WEB_PORT: String(port),
    WEB_HOST: "127.0.0.1",
    API_URL: apiUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await until("the web server to answer /robots.txt", async () => {
    if (!proc.alive()) throw new Error(`web exited early:\n${proc.output()}`);
    return fetch(`${url}/robots.txt`).then(
      (r) => (r.ok ? true : undefined),
      () => undefined,
    );
  });
  return { ...proc, url, port };
}

/** Any Next standalone server.js (the bare reference app), with PORT/HOSTNAME as Next reads them. */
export async function startNextStandalone(serverJs) {
  const port = await freePort();
  const proc = launch([serverJs], {
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  const url = `http://127.0.0.1:${port}`;
  await until("the bare Next server", async () => {
    if (!proc.alive()) throw new Error(`bare next exited early:\n${proc.output()}`);
    return fetch(`${url}/`).then(
      (r) => (r.ok ? true : undefined),
      () => undefined,
    );
  });
  return { ...proc, url, port };
}

/** The bare node:http reference answering with `bodyFile`'s bytes. */
export async function startBare(bodyFile) {
  const proc = launch([join(import.meta.dirname, "bare-server.mjs")], {
    BARE_BODY_FILE: bodyFile,
    BARE_PORT: "0",
  });
  const port = await until("the bare server's port line", () => {
    if (!proc.alive()) throw new Error(`bare server exited early:\n${proc.output()}`);
    return /"port":(\d+)/.exec(proc.output())?.[1];
  });
  return { ...proc, url: `http://127.0.0.1:${port}`, port: Number(port) };
}

/** Creates notes until the API holds `count` (the API starts with one); returns GET /notes's body. */
export async function seedNotes(apiUrl, count) {
  const list = async () => (await (await fetch(`${apiUrl}/notes`)).json()).notes;
  let have = (await list()).length;
  while (have < count) {
    const res = await fetch(`${apiUrl}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        text: `bench note ${have + 1}: some text of a typical length for a short note`,
      }),
    });
    if (res.status !== 201) throw new Error(`seeding note ${have + 1}: ${res.status} ${await res.text()}`);
    have++;
  }
  const res = await fetch(`${apiUrl}/notes`);
  return Buffer.from(await res.arrayBuffer());
}
