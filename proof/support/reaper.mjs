// The reaper registry.mjs starts beside each server or cluster: it waits for its pipe from the test process to
// close. "release" on the pipe first: the test process cleaned up itself, nothing to do. EOF without it: the test
// process is gone (crashed, killed, SIGKILLed), so stop what it left: `argv[2]` is JSON
//   { "kill": PID }                                       SIGKILL a server process
//   { "pgCtl": [COMMAND, ...ARGS], "remove": DIR }        stop a cluster (pg_ctl -m immediate) and remove DIR
// With "owner": PID instead of a pipe (postgres-cli.mjs, for a shell suite): it checks every second, and cleans up
// once that process is gone; it leaves quietly once DIR is gone (the suite stopped the cluster itself).
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

const reap = JSON.parse(process.argv[2] ?? "{}");

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
};

function cleanup() {
  if (reap.kill) {
    try {
      process.kill(reap.kill, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (reap.pgCtl) spawnSync(reap.pgCtl[0], reap.pgCtl.slice(1), { stdio: "ignore", timeout: 60_000 });
  if (reap.remove) rmSync(reap.remove, { recursive: true, force: true });
}

if (reap.owner) {
  const timer = setInterval(() => {
    if (reap.remove && !existsSync(reap.remove)) clearInterval(timer);
    else if (!alive(reap.owner)) {
      clearInterval(timer);
      cleanup();
    }
  }, 1_000);
} else {
  let input = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (input += chunk));
  process.stdin.on("close", () => {
    if (!input.includes("release")) cleanup();
  });
  process.stdin.on("error", () => {});
}
