import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Fails (never skips) when a system tool is missing, with the line that installs it. */
export function requireTool(cmd: string, pkg: string): void {
  const found = spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
  if (!found)
    throw new Error(
      `${cmd} is not installed; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkg}`,
    );
}

/** Run a tool; a non-zero exit throws with its output, so the test shows what promtool said. */
export function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${out}`);
  return out;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** amtool's version as [major, minor, patch]. */
export function amtoolVersion(): [number, number, number] {
  const out = execFileSync("amtool", ["--version"], { encoding: "utf8" });
  const m = /version (\d+)\.(\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`cannot read amtool's version from: ${out}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
