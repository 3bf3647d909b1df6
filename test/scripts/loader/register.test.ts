import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pkg from "../../../package.json" with { type: "json" };

const ROOT = join(import.meta.dirname, "..", "..", "..");
const LOADER = "./scripts/loader/register.ts";
const scratch = mkdtempSync(join(tmpdir(), "loader-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Run a script the way the npm scripts run it: Node's own type stripping plus the loader. */
function runScript(script: string, args: string[], cwd = ROOT) {
  return spawnSync(
    process.execPath,
    ["--conditions=@mcp-stack/source", "--import", LOADER, script, ...args],
    {
      cwd,
      encoding: "utf8",
    },
  );
}

describe("the TypeScript loader the infra scripts run on", () => {
  it("is what every infra npm script starts with", () => {
    const scripts = pkg.scripts as Record<string, string>;
    for (const name of ["env", "render", "diff", "diagram", "generate:monitoring", "generate:compose"])
      expect(scripts[name], name).toMatch(
        new RegExp(
          `^node --import \\./scripts/loader/node-check\\.mjs --conditions=@mcp-stack/source --import ${LOADER.replace(/\./g, "\\.")} \\S+\\.ts`,
        ),
      );
  });

  it("renders prod byte-for-byte as the committed rendered/prod", () => {
    const run = runScript("scripts/render.ts", ["prod", "--out", scratch]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const committed = readdirSync(join(ROOT, "rendered", "prod")).sort();
    expect(readdirSync(join(scratch, "prod")).sort()).toEqual(committed);
    for (const f of committed)
      expect(readFileSync(join(scratch, "prod", f), "utf8"), f).toBe(
        readFileSync(join(ROOT, "rendered", "prod", f), "utf8"),
      );
  });

  it("maps a missing ./x.js to ./x.ts, and leaves a real .js and packages alone", () => {
    const dir = join(scratch, "mapping");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "typed.ts"), "export const from: string = 'typed.ts';\n");
    writeFileSync(join(dir, "plain.js"), "export const from = 'plain.js';\n");
    writeFileSync(join(dir, "plain.ts"), "export const from: string = 'plain.ts (must not win)';\n");
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, "main.ts"),
      [
        "import { from as a } from './typed.js';",
        "import { from as b } from './plain.js';",
        "import { parse } from 'yaml';",
        "console.log(JSON.stringify([a, b, parse('x: 1')]));",
      ].join("\n"),
    );
    // A package import must resolve as Node resolves it: give the scratch project one.
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    execFileSync("ln", ["-s", join(ROOT, "node_modules", "yaml"), join(dir, "node_modules", "yaml")]);
    const run = spawnSync(process.execPath, ["--import", join(ROOT, LOADER), "main.ts"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(["typed.ts", "plain.js", { x: 1 }]);
  });

  it("still fails on a specifier that names nothing, with Node's own error", () => {
    const dir = join(scratch, "missing");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(dir, "main.ts"), "import './nowhere.js';\n");
    const run = spawnSync(process.execPath, ["--import", join(ROOT, LOADER), "main.ts"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("ERR_MODULE_NOT_FOUND");
    expect(run.stderr).toContain("nowhere.js");
  });
});
