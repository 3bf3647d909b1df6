import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../scripts/render-cli.js";

/**
 * Whether docs/deploy.md must tell a first `operators: install` deploy to `pulumi up --skip-preview` rests on
 * the provider: pulumi-kubernetes 4.32.0 reads a helm.sh/v3 Release's CRDs into its cache during preview
 * (pulumi/pulumi-kubernetes CHANGELOG 4.32.0, #3176, PR #4417: provider/pkg/provider/helm_release.go
 * cacheReleaseCRDs), and `Create` skips the server dry-run of a kind the cluster does not know
 * (provider/pkg/provider/provider.go, `skipPreview := … || !k.gvkExists(newInputs)`). The project pins
 * 4.25.0, the release the Go module proxy serves the provider of (engines/README.md), so the step is
 * needed; this test keeps the docs and the pin in step in both directions.
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
  const installed = version(pkg("node_modules/@pulumi/kubernetes/package.json").version);
  const deploy = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
  const step = /pulumi up -s prod --skip-preview/;

  it("the installed provider is the pinned one", () => {
    const root = pkg("package.json");
    expect(root.devDependencies["@pulumi/kubernetes"]).toBe(installed.join("."));
  });

  it("docs/deploy.md carries the --skip-preview step exactly when the provider cannot preview Helm-installed CRDs", () => {
    if (atLeast(installed, FIXED_IN)) expect(deploy).not.toMatch(step);
    else expect(deploy).toMatch(step);
  });
});
