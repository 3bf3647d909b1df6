import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GENERATED_DIR, strictSchema } from "../../scripts/crds/generate.js";
import { REPO_ROOT } from "../../scripts/engines/build.js";

/**
 * infra/k8s/lib/crds/generated/ is what `npm run crds:generate` makes from the CRDs of the modules
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

describe("strictSchema", () => {
  it("closes every object the API server would prune, and leaves maps and preserved objects open", () => {
    const counts = { unchecked: 0 };
    const s = strictSchema(
      {
        type: "object",
        properties: {
          spec: { type: "object", properties: { a: { type: "string", description: "dropped" } } },
          labels: { type: "object", additionalProperties: { type: "string" } },
          raw: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        },
        "x-kubernetes-validations": [{ rule: "has(self.spec)" }],
      },
      "root",
      counts,
    );
    expect(s).toEqual({
      type: "object",
      additionalProperties: false,
      properties: {
        spec: { type: "object", additionalProperties: false, properties: { a: { type: "string" } } },
        labels: { type: "object", additionalProperties: { type: "string" } },
        raw: { type: "object", additionalProperties: true },
      },
    });
    expect(counts.unchecked).toBe(1);
  });

  it("applies an int-or-string pattern to the string branch only", () => {
    const s = strictSchema(
      {
        anyOf: [{ type: "integer" }, { type: "string" }],
        pattern: "^[0-9]+m$",
        "x-kubernetes-int-or-string": true,
      },
      "cpu",
    );
    expect(s).toEqual({ anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+m$" }] });
  });

  it("stops on a keyword it does not know, rather than dropping a constraint", () => {
    expect(() => strictSchema({ type: "string", contentEncoding: "base64" }, "spec.x")).toThrow(
      /spec\.x: unsupported schema keyword contentEncoding/,
    );
    expect(() => strictSchema({ type: "object", "x-kubernetes-embedded-resource": true }, "spec.y")).toThrow(
      /embedded resource/,
    );
  });
});
