// The docs: every Markdown file git knows (tracked, or new and not ignored), but third-party fixtures.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

export const docFiles = () =>
  spawnSync("git", ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "*.md"], {
    encoding: "utf8",
  })
    .stdout.split("\0")
    .filter((f) => f && !f.startsWith("proof/nix/fixtures/") && existsSync(join(root, f)));
