import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENGINE_MODULES, VERSIONS } from "../../engines/manifest.js";
import { ENGINES_DIR, REPO_ROOT } from "../../scripts/engines/build.js";

/** `module version` pairs of a go.mod's require lines (block or single), indirect ones included. */
function requires(goMod: string): Map<string, string> {
  const out = new Map<string, string>();
  let inBlock = false;
  for (const raw of goMod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === "require (") inBlock = true;
    else if (inBlock && line === ")") inBlock = false;
    else {
      const m = inBlock ? line.match(/^(\S+)\s+(v\S+)$/) : line.match(/^require\s+(\S+)\s+(v\S+)$/);
      if (m) out.set(m[1]!, m[2]!);
    }
  }
  return out;
}

/** The `old => new version` lines of a go.mod's replace block. */
function replaces(goMod: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of goMod.matchAll(/^\s*(\S+)\s+=>\s+(\S+)\s+(v\S+)\s*$/gm)) out.set(m[1]!, `${m[2]} ${m[3]}`);
  return out;
}

const goMod = (dir: string) => readFileSync(join(ENGINES_DIR, dir, "go.mod"), "utf8");

describe("engine pins", () => {
  it("every build module has its go.mod and go.sum committed, and each binary comes from a required module", () => {
    for (const module of ENGINE_MODULES) {
      expect(existsSync(join(ENGINES_DIR, module.dir, "go.sum")), `${module.dir}/go.sum`).toBe(true);
      const req = requires(goMod(module.dir));
      for (const [binary, pkg] of Object.entries(module.binaries)) {
        if (pkg === ".") continue;
        const owner = [...req.keys()].some((m) => pkg === m || pkg.startsWith(`${m}/`));
        expect(owner, `${binary} (${pkg}) has no module in engines/${module.dir}/go.mod`).toBe(true);
      }
    }
  });

  it("the CLI is built from pkg/v3 and sdk/v3 at the manifest's version, which npm's @pulumi/pulumi has too", () => {
    const req = requires(goMod("pulumi"));
    expect(req.get("github.com/pulumi/pulumi/pkg/v3")).toBe(`v${VERSIONS.pulumi}`);
    // sdk/v3 carries the version variable the ldflag sets; MVS must not have moved it elsewhere.
    expect(req.get("github.com/pulumi/pulumi/sdk/v3")).toBe(`v${VERSIONS.pulumi}`);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
    expect(pkg.devDependencies["@pulumi/pulumi"]).toBe(VERSIONS.pulumi);
    const installed = JSON.parse(
      readFileSync(join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    );
    expect(installed.version).toBe(VERSIONS.pulumi);
  });

  it("the provider and npm's @pulumi/kubernetes are one release", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
    expect(pkg.devDependencies["@pulumi/kubernetes"]).toBe(VERSIONS.kubernetesProvider);
    const installed = JSON.parse(
      readFileSync(join(REPO_ROOT, "node_modules/@pulumi/kubernetes/package.json"), "utf8"),
    );
    expect(installed.version).toBe(VERSIONS.kubernetesProvider);
    // The SDK asks the engine for the plugin by this version (package.json "pulumi" block).
    expect(installed.pulumi?.version ?? installed.version).toBe(VERSIONS.kubernetesProvider);
    expect(
      requires(goMod("kubernetes-provider")).get("github.com/pulumi/pulumi-kubernetes/provider/v4"),
    ).toMatch(/^v4\.0\.0-20260115033456-f47bc2d6f199$/);
  });

  it("the language hosts, etcd and KWOK are required at the manifest's versions", () => {
    expect(requires(goMod("language-hosts")).get("github.com/pulumi/pulumi/sdk/v3")).toBe(
      `v${VERSIONS.languageHosts}`,
    );
    expect(requires(goMod("etcd")).get("go.etcd.io/etcd/server/v3")).toBe(`v${VERSIONS.etcd}`);
    expect(requires(goMod("kwok")).get("sigs.k8s.io/kwok")).toBe(`v${VERSIONS.kwok}`);
  });

  it("the Node.js host is our own module, built against sdk/v3 at the CLI's version; 3.66.0 keeps Python and Go", () => {
    expect(requires(goMod("language-nodejs")).get("github.com/pulumi/pulumi/sdk/v3")).toBe(
      `v${VERSIONS.pulumi}`,
    );
    expect(VERSIONS.languageNodejs.startsWith(`${VERSIONS.pulumi}+`)).toBe(true);
    const owners = ENGINE_MODULES.filter((m) => "pulumi-language-nodejs" in m.binaries).map((m) => m.dir);
    expect(owners).toEqual(["language-nodejs"]);
    const hosts = ENGINE_MODULES.find((m) => m.dir === "language-hosts")!;
    expect(Object.keys(hosts.binaries).sort()).toEqual(["pulumi-language-go", "pulumi-language-python"]);
    expect(existsSync(join(ENGINES_DIR, "language-nodejs", "main.go"))).toBe(true);
  });

  it("Kubernetes' staging modules are replaced by the tag of the same release, every one of them", () => {
    const mod = goMod("control-plane");
    expect(requires(mod).get("k8s.io/kubernetes")).toBe(`v${VERSIONS.kubernetes}`);
    const staging = `v0.${VERSIONS.kubernetes.split(".").slice(1).join(".")}`;
    const reps = replaces(mod);
    expect(reps.size).toBeGreaterThan(20);
    for (const [from, to] of reps) expect(to, from).toBe(`${from} ${staging}`);
    // Each staging module k8s.io/kubernetes requires at v0.0.0 must be replaced, or the build cannot resolve it.
    for (const [m, v] of requires(mod)) if (v === "v0.0.0") expect(reps.has(m), m).toBe(true);
  });
});

describe("operator CRDs", () => {
  it("come from the operator releases the pinned Helm charts ship", () => {
    const req = requires(goMod("crds"));
    expect(req.get("github.com/cloudnative-pg/cloudnative-pg")).toBe(`v${VERSIONS.cloudnativePg}`);
    expect(req.get("github.com/cloudnative-pg/plugin-barman-cloud")).toBe(`v${VERSIONS.barmanCloudPlugin}`);
    // DATA_OPERATOR_VERSIONS pins charts; each names the application version it ships beside it.
    const operators = readFileSync(join(REPO_ROOT, "infra/k8s/data-operators/args.ts"), "utf8");
    expect(operators).toContain(`ships the CloudNativePG operator ${VERSIONS.cloudnativePg}.`);
    expect(operators).toContain(`ships the Barman Cloud plugin v${VERSIONS.barmanCloudPlugin}.`);
  });
});
