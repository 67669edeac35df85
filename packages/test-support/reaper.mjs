// The reaper registry.mjs starts beside each server or cluster: it waits for its pipe from the test process to
// close. "release" on the pipe first: the test process cleaned up itself, nothing to do. EOF without it: the test
// process is gone (crashed, killed, SIGKILLed), so stop what it left: `argv[2]` is JSON
//   { "kill": PID }                                       SIGKILL a server process
//   { "pgCtl": [COMMAND, ...ARGS], "remove": DIR }        stop a cluster (pg_ctl -m immediate) and remove DIR
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

const reap = JSON.parse(process.argv[2] ?? "{}");
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("close", () => {
  if (input.includes("release")) return;
  if (reap.kill) {
    try {
      process.kill(reap.kill, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (reap.pgCtl) spawnSync(reap.pgCtl[0], reap.pgCtl.slice(1), { stdio: "ignore", timeout: 60_000 });
  if (reap.remove) rmSync(reap.remove, { recursive: true, force: true });
});
process.stdin.on("error", () => {});
