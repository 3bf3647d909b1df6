import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GENERATED_DIR } from "../../scripts/crds/generate.js";
import { REPO_ROOT } from "../../scripts/engines/build.js";

/**
 * infra/k8s/crds/generated/ is what `npm run crds:generate` makes from the CRDs of the modules
 * engines/crds/go.mod pins: regenerated into a temporary directory (Go fetches a module missing from
 * its cache from the module proxy), then compared file by file.
 */
const out = mkdtempSync(join(tmpdir(), "crds-generate-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run crds:generate", () => {
  const run = spawnSync("npm", ["run", "-s", "crds:generate", "--", "--out", out], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  const committedDir = join(REPO_ROOT, GENERATED_DIR);

  it("runs", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("makes the committed files and no others", () => {
    expect(readdirSync(out).sort()).toEqual(readdirSync(committedDir).sort());
  });

  it.each(readdirSync(committedDir))("%s is up to date (run npm run crds:generate)", (name) => {
    expect(readFileSync(join(out, name), "utf8")).toBe(readFileSync(join(committedDir, name), "utf8"));
  });

  it("names the module version engines/crds/go.mod requires in each header", () => {
    const goMod = readFileSync(join(REPO_ROOT, "engines", "crds", "go.mod"), "utf8");
    for (const name of readdirSync(committedDir)) {
      const from = readFileSync(join(committedDir, name), "utf8").match(/^\/\/ From (\S+)@(v\S+), /m);
      expect(from, name).not.toBeNull();
      expect(goMod, name).toMatch(new RegExp(`^\\s+${from![1]!.replaceAll(".", "\\.")} ${from![2]!}$`, "m"));
    }
  });
});
