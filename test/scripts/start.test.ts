import { execFile } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * scripts/start.sh installs only when it has to: a copy of it (with with-node.sh) in a project of its
 * own, whose `npm` records what it was asked to do, with node_modules missing, older and newer than
 * package-lock.json.
 */
const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), "start-sh-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string) {
  const root = join(scratch, name);
  mkdirSync(join(root, "scripts"), { recursive: true });
  mkdirSync(join(root, "bin"));
  for (const f of ["start.sh", "with-node.sh", "node-lts.ts"])
    copyFileSync(new URL(`scripts/${f}`, ROOT), join(root, "scripts", f));
  copyFileSync(new URL(".node-version", ROOT), join(root, ".node-version"));
  writeFileSync(join(root, "package-lock.json"), "{}\n");
  const npm = join(root, "bin", "npm");
  writeFileSync(
    npm,
    `#!/bin/sh\n[ "$1" = --version ] && { echo 11.0.0; exit 0; }\necho "$*" >> "${root}/npm.log"\n`,
  );
  chmodSync(npm, 0o755);
  const env = { ...process.env, PATH: `${join(root, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin` };
  const start = async () => {
    const { stderr } = await run("bash", ["scripts/start.sh"], { cwd: root, env });
    const calls = readFileSync(join(root, "npm.log"), "utf8").trim().split("\n");
    rmSync(join(root, "npm.log"));
    return { stderr, calls: calls.map((c) => c.split(" ")[0]) };
  };
  const install = (ageSeconds: number) => {
    mkdirSync(join(root, "node_modules"), { recursive: true });
    const file = join(root, "node_modules", ".package-lock.json");
    writeFileSync(file, "{}\n");
    const lock = new Date(1_700_000_000_000);
    utimesSync(join(root, "package-lock.json"), lock, lock);
    const at = new Date(lock.getTime() + ageSeconds * 1000);
    utimesSync(file, at, at);
  };
  return { start, install };
}

describe("scripts/start.sh", () => {
  it("runs npm ci when node_modules is missing", async () => {
    const p = project("missing");
    expect((await p.start()).calls).toEqual(["ci", "start"]);
  });

  it("runs npm ci when package-lock.json changed after the last install", async () => {
    const p = project("older");
    p.install(-60);
    expect((await p.start()).calls).toEqual(["ci", "start"]);
  });

  it("starts at once when node_modules was installed from this package-lock.json", async () => {
    const p = project("current");
    p.install(60);
    const { calls, stderr } = await p.start();
    expect(calls).toEqual(["start"]);
    expect(stderr).toContain("skipping npm ci");
  });
});
