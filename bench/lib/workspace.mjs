// The bench's own copy of the repo: the tracked files as they are in the work tree (uncommitted edits included),
// in a temp dir with a fresh `git init` (turbo hashes inputs through git; without a repository its web build is
// never replayed). Install, cold build, replay and `pnpm dev` all run there, so the bench never removes build
// output that someone else in the real tree is using, and "cold" really has no turbo cache and no .next.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { captureOutput, freePort, killGroup, killTree, median, now, repoRoot, run, sleep } from "./proc.mjs";

export const quietEnv = {
  TURBO_TELEMETRY_DISABLED: "1",
  TURBO_NO_UPDATE_NOTIFIER: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  CI: undefined, // unset: turbo and pnpm behave differently under CI; measure the developer's loop
};

export async function copyWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), "nix-sample-bench-"));
  const { out } = await run("git", ["ls-files", "-z"], { cwd: repoRoot });
  const files = out.split("\0").filter((f) => f && existsSync(join(repoRoot, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(repoRoot, f), join(dir, f), { dereference: false });
  }
  const git = (...args) =>
    run(
      "git",
      ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: dir,
      },
    );
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-qm", "bench snapshot");
  return { dir, files: files.length };
}

/** Every node_modules a workspace install creates (root, apps/*, packages/*). */
function removeNodeModules(dir) {
  const roots = [dir];
  for (const group of ["apps", "packages"])
    if (existsSync(join(dir, group)))
      for (const p of readdirSync(join(dir, group))) roots.push(join(dir, group, p));
  for (const r of roots) rmSync(join(r, "node_modules"), { recursive: true, force: true });
}

/** `pnpm install --frozen-lockfile --offline` (warm store) into the copy, `runs` times from no node_modules. */
export async function measureInstall(dir, runs) {
  const times = [];
  let mode = "--offline";
  const install = async () => {
    removeNodeModules(dir);
    const args = ["install", "--frozen-lockfile", mode];
    return (await run("pnpm", args, { cwd: dir, env: quietEnv, timeoutMs: 180_000 })).ms;
  };
  for (let i = 0; i < runs; i++) {
    try {
      times.push(await install());
    } catch (err) {
      if (mode !== "--offline") throw err;
      // A store that lacks a package (or its metadata) can't install offline; measure the warm-store install instead.
      mode = "--prefer-offline";
      times.push(await install());
    }
  }
  return { times, median: median(times), mode };
}

function removeBuildOutputs(dir) {
  for (const p of [
    "apps/web/.next",
    "apps/api/dist",
    ".turbo",
    "apps/web/.turbo",
    "apps/api/.turbo",
    "packages/ui/.turbo",
  ])
    rmSync(join(dir, p), { recursive: true, force: true });
}

/** Cold builds (no .next, no dist, no turbo cache, --force) and no-change replays of `pnpm build`. */
export async function measureBuild(dir, coldRuns, replayRuns) {
  const cold = [];
  for (let i = 0; i < coldRuns; i++) {
    removeBuildOutputs(dir);
    cold.push(
      (
        await run("pnpm", ["turbo", "run", "build", "--force"], {
          cwd: dir,
          env: quietEnv,
          timeoutMs: 300_000,
        })
      ).ms,
    );
  }
  const replay = [];
  const replayTurbo = [];
  for (let i = 0; i < replayRuns; i++) {
    const { ms, out } = await run("pnpm", ["build"], { cwd: dir, env: quietEnv, timeoutMs: 120_000 });
    const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(out);
    if (!cached || cached[1] !== cached[2])
      throw new Error(`the no-change build was not replayed from cache:\n${out.slice(-2000)}`);
    replay.push(ms);
    const turboTime = /Time:\s+([\d.]+)(ms|s)/.exec(out);
    if (turboTime) replayTurbo.push(Number(turboTime[1]) * (turboTime[2] === "s" ? 1000 : 1));
  }
  return {
    cold,
    coldMedian: median(cold),
    replay,
    replayMedian: median(replay),
    replayTurboMedian: median(replayTurbo),
  };
}

/**
 * `pnpm dev` (turbo dev: tsx watch + next dev) on free ports, from spawn until: the API answers /health, the web
 * port answers, and `/` renders the note the API starts with. Then the whole process group gets SIGTERM
 * (SIGKILL after 10 s). Bounded by `boundMs`.
 */
export async function measureDevOnce(dir, boundMs = 90_000) {
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    ...quietEnv,
    WEB_PORT: String(webPort),
    API_PORT: String(apiPort),
    API_HOST: "127.0.0.1",
    API_URL: `http://127.0.0.1:${apiPort}`,
  };
  for (const k of ["PORT", "HOSTNAME", "CI"]) delete env[k];
  const t0 = now();
  const child = spawn("pnpm", ["dev"], { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const output = captureOutput(child);
  const exited = new Promise((r) => child.on("exit", r));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = t0 + boundMs;
  const poll = async (probe) => {
    while (now() < deadline && !gone) {
      try {
        if (await probe()) return now() - t0;
      } catch {
        // not up yet
      }
      await sleep(50);
    }
    return undefined;
  };
  const signal = () => AbortSignal.timeout(Math.max(1, Math.ceil(deadline - now())));
  try {
    const [apiMs, webMs, pageMs] = await Promise.all([
      poll(async () => (await fetch(`http://127.0.0.1:${apiPort}/health`, { signal: signal() })).ok),
      poll(
        async () => (await fetch(`http://127.0.0.1:${webPort}/robots.txt`, { signal: signal() })).status > 0,
      ),
      poll(async () => {
        const res = await fetch(`http://127.0.0.1:${webPort}/`, { signal: signal() });
        return res.ok && (await res.text()).includes('data-testid="notes"');
      }),
    ]);
    if (pageMs === undefined)
      throw new Error(
        `pnpm dev: the page never showed API data within ${boundMs} ms\n${output().slice(-3000)}`,
      );
    return { apiMs, webMs, pageMs };
  } finally {
    // turbo runs each task in a process group of its own, so signal the whole tree by PID, not pnpm's group.
    await killTree(child.pid, 10_000);
    killGroup(child, "SIGKILL");
    await exited;
  }
}

export async function measureDev(dir, runs) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await measureDevOnce(dir));
  return {
    runs: all,
    pageMedian: median(all.map((r) => r.pageMs)),
    serversMedian: median(all.map((r) => Math.max(r.apiMs ?? Infinity, r.webMs ?? Infinity))),
  };
}

/** A throwaway Next app of the same versions (one static page), built the way apps/web is (next build, standalone). */
export async function buildBareNext(versions) {
  const dir = mkdtempSync(join(tmpdir(), "nix-sample-bare-next-"));
  mkdirSync(join(dir, "app"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: "bare-next",
        private: true,
        type: "module",
        scripts: { build: "next build" },
        dependencies: { next: versions.next, react: versions.react, "react-dom": versions["react-dom"] },
      },
      null,
      2,
    ),
  );
  // Same install policy as the workspace: no sharp.
  writeFileSync(join(dir, "pnpm-workspace.yaml"), "ignoredOptionalDependencies:\n  - sharp\n");
  writeFileSync(
    join(dir, "next.config.mjs"),
    'export default { output: "standalone", images: { unoptimized: true } };\n',
  );
  writeFileSync(
    join(dir, "app/layout.jsx"),
    'export default function RootLayout({ children }) {\n  return <html lang="en"><body>{children}</body></html>;\n}\n',
  );
  writeFileSync(
    join(dir, "app/page.jsx"),
    'export const dynamic = "force-dynamic";\nexport default function Page() {\n  return <main><h1>bare</h1></main>;\n}\n',
  );
  let install;
  try {
    install = await run("pnpm", ["install", "--offline"], { cwd: dir, env: quietEnv, timeoutMs: 120_000 });
  } catch {
    install = await run("pnpm", ["install", "--prefer-offline"], {
      cwd: dir,
      env: quietEnv,
      timeoutMs: 180_000,
    });
  }
  const build = await run("pnpm", ["build"], { cwd: dir, env: quietEnv, timeoutMs: 300_000 });
  // As apps/web's complete-standalone step does: the static assets beside server.js.
  cpSync(join(dir, ".next/static"), join(dir, ".next/standalone/.next/static"), { recursive: true });
  return { dir, serverJs: join(dir, ".next/standalone/server.js"), installMs: install.ms, buildMs: build.ms };
}
