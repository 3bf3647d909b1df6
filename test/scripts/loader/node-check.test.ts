import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pkg from "../../../package.json" with { type: "json" };

/**
 * scripts/loader/node-check.mjs: on a Node.js older than the pinned major, every `node … .ts` npm script
 * says to run it through scripts/with-node.sh instead of dying on register.ts with a stack trace.
 */
const ROOT = join(import.meta.dirname, "..", "..", "..");
const scripts = pkg.scripts as Record<string, string>;
const TS_SCRIPTS = Object.keys(scripts).filter((n) => scripts[n]!.includes("./scripts/loader/register.ts"));
const scratch = mkdtempSync(join(tmpdir(), "node-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const major = (node: string) =>
  Number(execFileSync(node, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }));
const pinnedMajor = Number(pkg.engines.node.replace(/\D/g, ""));
/** Debian's own node (20 on bookworm) when it is older than the pin. */
const SYSTEM_NODE = "/usr/bin/node";
const olderSystemNode = existsSync(SYSTEM_NODE) && major(SYSTEM_NODE) < pinnedMajor;

const expectAdvice = (run: ReturnType<typeof spawnSync>, command: string) => {
  expect(run.status).toBe(1);
  expect(String(run.stderr)).toContain(`  scripts/with-node.sh ${command}\n`);
  expect(String(run.stderr)).not.toContain("ERR_UNKNOWN_FILE_EXTENSION");
  expect(String(run.stderr)).not.toMatch(/^\s+at /m);
};

describe("npm scripts on an older Node.js", () => {
  it("check the Node.js version before loading any TypeScript", () => {
    expect(TS_SCRIPTS).toEqual(
      expect.arrayContaining(["env", "render", "diff", "engines", "cluster", "version"]),
    );
    for (const name of TS_SCRIPTS)
      expect(scripts[name]!.indexOf("./scripts/loader/node-check.mjs"), name).toBeGreaterThan(-1);
    for (const name of TS_SCRIPTS)
      expect(scripts[name]!.indexOf("node-check.mjs"), name).toBeLessThan(
        scripts[name]!.indexOf("register.ts"),
      );
  });

  it("say what to run when the pin is newer than this node (a project pinned one major ahead)", () => {
    const root = join(scratch, "ahead");
    mkdirSync(join(root, "scripts", "loader"), { recursive: true });
    copyFileSync(join(ROOT, "scripts/loader/node-check.mjs"), join(root, "scripts/loader/node-check.mjs"));
    copyFileSync(join(ROOT, "scripts/loader/register.ts"), join(root, "scripts/loader/register.ts"));
    writeFileSync(join(root, ".node-version"), `${major(process.execPath) + 1}.0.0\n`);
    writeFileSync(
      join(root, "package.json"),
      JSON.stringify({ name: "ahead", scripts: { render: scripts.render } }),
    );
    const run = spawnSync("npm", ["run", "-s", "render", "--", "staging", "--out", "/tmp/x"], {
      cwd: root,
      encoding: "utf8",
    });
    expectAdvice(run, "npm run render -- staging --out /tmp/x");
  });

  it.runIf(olderSystemNode)(
    `npm run env -- prod under ${SYSTEM_NODE} (older than the pin) names scripts/with-node.sh`,
    () => {
      const run = spawnSync("npm", ["run", "-s", "env", "--", "prod"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: `/usr/bin:/bin` },
      });
      expectAdvice(run, "npm run env -- prod");
    },
  );
});
