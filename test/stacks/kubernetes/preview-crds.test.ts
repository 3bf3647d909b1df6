import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../scripts/render-cli.js";

/**
 * docs/deploy.md no longer tells anyone to `pulumi up --skip-preview` on a cluster without the
 * operators' CRDs. That rests on the provider: pulumi-kubernetes 4.32.0 reads a helm.sh/v3 Release's
 * CRDs into its cache during preview (pulumi/pulumi-kubernetes CHANGELOG 4.32.0, #3176, PR #4417:
 * provider/pkg/provider/helm_release.go cacheReleaseCRDs), and `Create` skips the server dry-run of a
 * kind the cluster does not know (provider/pkg/provider/provider.go, `skipPreview := … ||
 * !k.gvkExists(newInputs)`). Below 4.32.0 the step would be needed again: this test says so.
 */
const FIXED_IN = [4, 32, 0];

const version = (v: string) =>
  v
    .replace(/^[^\d]*/, "")
    .split(".")
    .map((n) => Number.parseInt(n, 10));
const atLeast = (v: number[], min: number[]) => {
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) > min[i]!;
  return true;
};

describe("the first preview on a cluster without the operators' CRDs", () => {
  const pkg = (p: string) => JSON.parse(readFileSync(join(REPO_ROOT, p), "utf8"));

  it("runs on a provider that resolves Helm-installed CRDs at preview (≥ 4.32.0), installed and required", () => {
    expect(atLeast(version(pkg("node_modules/@pulumi/kubernetes/package.json").version), FIXED_IN)).toBe(
      true,
    );
    const root = pkg("package.json");
    for (const range of [
      root.devDependencies["@pulumi/kubernetes"],
      root.peerDependencies["@pulumi/kubernetes"],
    ])
      expect(atLeast(version(range), FIXED_IN), `@pulumi/kubernetes ${range}`).toBe(true);
  });

  it("needs no --skip-preview step in docs/deploy.md", () => {
    const deploy = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
    expect(deploy).not.toMatch(/pulumi (up|preview)[^\n`]*--skip-preview/);
  });
});
