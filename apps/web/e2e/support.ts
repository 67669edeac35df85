// Starts the production build the way users run it (bundled API, standalone web through start.mjs) as real
// processes on 127.0.0.1, for the end-to-end and shutdown tests.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const repoRoot = join(import.meta.dirname, "../../..");
export const webEntry = join(repoRoot, "apps/web/.next/standalone/apps/web/start.mjs");
export const apiEntry = join(repoRoot, "apps/api/dist/index.mjs");

// The test harness's own settings (this file is the one place tests read the environment).
export const harness = {
  requireEverySuite: process.env.REQUIRE_EVERY_SUITE === "1",
  chromiumPath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
};

/** In .ci/run (REQUIRE_EVERY_SUITE=1) a missing tool fails loudly; elsewhere the suite skips with a notice. */
export function requireFile(path: string, what: string): boolean {
  if (existsSync(path)) return true;
  if (harness.requireEverySuite) {
    throw new Error(`${what} not found at ${path} (required when REQUIRE_EVERY_SUITE=1)`);
  }
  console.warn(`skip: ${what} not found at ${path}; these tests run in .ci/run`);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

function run(entry: string, env: Record<string, string>): Omit<Running, "url"> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (pnpm build)`);
  const child = spawn(process.execPath, [entry], {
    env: { NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exit,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The bundled API on a port the OS picks (API_PORT=0); the port comes from its first log line. */
export async function startApi(env: Record<string, string> = {}): Promise<Running> {
  const proc = run(apiEntry, { API_PORT: "0", API_HOST: "127.0.0.1", ...env });
  const port = await until("the API's listening log line", () => {
    if (proc.child.exitCode !== null) throw new Error(`api exited early:\n${proc.output()}`);
    return /"port":(\d+)/.exec(proc.output())?.[1];
  });
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

/** The standalone web server through its start entry, with PORT and HOSTNAME set to decoys it must ignore. */
export async function startWeb(apiUrl: string, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const proc = run(webEntry, {
    WEB_PORT: String(port),
    WEB_HOST: "127.0.0.1",
    API_URL: apiUrl,
    PORT: new URL(apiUrl).port,
    HOSTNAME: "203.0.113.1",
    NEXT_TELEMETRY_DISABLED: "1",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await until("the web server", async () => {
    if (proc.child.exitCode !== null) throw new Error(`web exited early:\n${proc.output()}`);
    return fetch(`${url}/robots.txt`).then(
      (r) => (r.ok ? true : undefined),
      () => undefined,
    );
  });
  return { ...proc, url };
}
