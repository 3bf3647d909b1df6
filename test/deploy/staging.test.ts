import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_NAME as PACKAGE } from "../../infra/lib/component-type.js";
import {
  assertSecretsStayed,
  assertStateMatchesCluster,
  assertWorkloadsReady,
  changed,
  configureAsDocumented,
  documentedSecretKeys,
  imageRef,
  previewSteps,
  urnName,
  urnType,
} from "./deploy-flow.js";
import { type Deployment, explain, exportState, managedObjects, startDeployment } from "./harness.js";

/**
 * docs/deploy.md for staging, end to end with the real engines: the Pulumi CLI 3.276.0 and its Node.js
 * language host run stacks/index.ts; pulumi-resource-kubernetes 4.25.0 creates every object in a real
 * kube-apiserver 1.36 (RBAC, admission, server-side defaulting), whose controllers roll the workloads
 * out on KWOK's Nodes. engines/README.md says where each binary comes from.
 */
const NAMESPACE = "staging";
let d: Deployment;

beforeAll(async () => {
  d = await startDeployment("staging");
}, 60 * 60_000);

afterAll(async () => {
  await d?.dispose();
});

describe("staging under the real engines", { timeout: 20 * 60_000 }, () => {
  it("with nothing set, the CLI prints one checklist of everything missing, each with its config set line", async () => {
    const run = await d.pulumi(["preview"]);
    expect(run.code).not.toBe(0);
    const said = `${run.stdout}\n${run.stderr}`;
    expect(said).toContain("pulumi config set mcp-stack:kubeContext");
    expect(said).toContain("pulumi config set mcp-stack:image");
    for (const key of documentedSecretKeys("staging")) {
      expect(said, `the checklist names ${key}`).toContain(`pulumi config set --secret mcp-stack:${key}`);
    }
  });

  it("a typo in a model key set through the real CLI stops the preview with a did-you-mean", async () => {
    await d.set("kubernete.replicas", "3", { path: true });
    const run = await d.pulumi(["preview"]);
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(
      /kubernete: unknown key in stack config.*did you mean "kubernetes"/,
    );
    const rm = await d.pulumi(["config", "rm", "mcp-stack:kubernete"]);
    expect(rm.code, explain(rm)).toBe(0);
  });

  it("configured as docs/deploy.md says, preview plans only creates, and up deploys every object", async () => {
    await configureAsDocumented(d);
    const steps = await previewSteps(d);
    expect(steps.length).toBeGreaterThan(20);
    expect(new Set(changed(steps).map((s) => s.op))).toEqual(new Set(["create"]));
    const run = await d.pulumi(["up", "--yes", "--skip-preview"]);
    expect(run.code, explain(run)).toBe(0);
  });

  it("every object of the state is in the API server, and the workloads rolled out", async () => {
    await assertStateMatchesCluster(d);
    assertWorkloadsReady(d, NAMESPACE);
  });

  it("a second preview finds nothing to change (no perpetual diff)", async () => {
    const run = await d.pulumi(["preview", "--expect-no-changes", "--diff"]);
    expect(run.code, explain(run)).toBe(0);
  });

  it("the stack outputs name what the API server holds", async () => {
    const run = await d.pulumi(["stack", "output", "--json"]);
    expect(run.code, explain(run)).toBe(0);
    const outputs = JSON.parse(run.stdout) as Record<string, unknown>;
    const appUrl = String(outputs.appUrl);
    const host = new URL(appUrl).hostname; // <service>.<namespace>.svc
    const [service, namespace] = host.split(".");
    expect(namespace).toBe(NAMESPACE);
    expect(d.kubectl(["get", "service", service!, "-n", NAMESPACE, "-o", "name"]).trim()).toBe(
      `service/${service}`,
    );
  });

  it("the CrossGuard pack runs in the engine and passes", async () => {
    const run = await d.pulumi([
      "preview",
      "--policy-pack",
      "policy",
      "--policy-pack-config",
      "policy/config/staging.json",
    ]);
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toMatch(/mcp-stack/);
  });

  it("the CrossGuard pack fails a preview that breaks a rule, naming the policy and the object", async () => {
    // A small program of another team, deploying a ConfigMap that holds a credential, checked by our pack.
    const dir = join(d.project, "..", "violating");
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(d.project, "node_modules"), join(dir, "node_modules"));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "violating", type: "module", main: "index.js" }),
    );
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      "name: violating\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
    );
    writeFileSync(
      join(dir, "index.js"),
      [
        'import * as k8s from "@pulumi/kubernetes";',
        'import * as pulumi from "@pulumi/pulumi";',
        'const provider = new k8s.Provider("local", { kubeconfig: new pulumi.Config().requireSecret("kubeconfig") });',
        'new k8s.core.v1.ConfigMap("leaky", { metadata: { namespace: "default" }, data: { DATABASE_PASSWORD: "hunter2" } }, { provider });',
      ].join("\n"),
    );
    const init = await d.pulumi(["stack", "init", "violating", "--secrets-provider", "passphrase"], {
      cwd: dir,
    });
    expect(init.code, explain(init)).toBe(0);
    const kubeconfig = await d.pulumi(
      ["config", "set", "--secret", "kubeconfig", readFileSync(d.cluster.kubeconfig, "utf8")],
      { cwd: dir },
    );
    expect(kubeconfig.code, explain(kubeconfig)).toBe(0);
    const run = await d.pulumi(["preview", "--policy-pack", join(d.project, "policy")], { cwd: dir });
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/no-secrets-in-configmaps/);
    expect(`${run.stdout}${run.stderr}`).toMatch(/DATABASE_PASSWORD looks like a credential/);
  });

  it("components deployed under their old type token are matched by the alias: no create, no delete", async () => {
    // As if the stack had been deployed before the components took the schema's token: every URN and type
    // of mcp-stack:index:<Class> rewritten to the legacy mcp-stack:infra:<Class> (infra/lib/component-type.ts).
    const { raw } = await exportState(d);
    expect(raw).toContain(`${PACKAGE}:index:`);
    const legacy = join(d.project, "..", "legacy-state.json");
    writeFileSync(legacy, raw.replaceAll(`${PACKAGE}:index:`, `${PACKAGE}:infra:`));
    const imported = await d.pulumi(["stack", "import", "--file", legacy]);
    expect(imported.code, explain(imported)).toBe(0);
    const steps = changed(await previewSteps(d));
    expect(steps.map((s) => `${s.op} ${urnType(s.urn)} ${urnName(s.urn)}`)).toEqual([]);
    // The next up moves the state to the new URNs without touching a single object.
    const run = await d.pulumi(["up", "--yes", "--skip-preview"]);
    expect(run.code, explain(run)).toBe(0);
    expect((await exportState(d)).raw).not.toContain(`${PACKAGE}:infra:`);
  });

  it("an image bump updates the app's Deployment in place: nothing is replaced or deleted", async () => {
    await d.set("image", imageRef("v2"));
    const steps = changed(await previewSteps(d));
    expect(steps.length).toBeGreaterThan(0);
    const bad = steps.filter((s) => s.op !== "update");
    expect(bad.map((s) => `${s.op} ${urnType(s.urn)} ${urnName(s.urn)}`)).toEqual([]);
    expect(steps.some((s) => urnType(s.urn) === "kubernetes:apps/v1:Deployment")).toBe(true);
    await d.set("image", imageRef("v1"));
  });

  it("no value set with --secret is in plain text in the state, the CLI's output or a non-Secret object", async () => {
    await assertSecretsStayed(d);
  });

  it("destroy removes every object; nothing is left behind in the API server", async () => {
    const { resources } = await exportState(d);
    const managed = managedObjects(resources);
    const run = await d.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(run.code, explain(run)).toBe(0);
    const left: string[] = [];
    for (const key of managed) {
      const [kind, ns, name] = key.split("/");
      const args = ["get", kind!, name!, "--ignore-not-found", "-o", "name"];
      if (ns) args.push("-n", ns);
      if (d.kubectl(args).trim()) left.push(key);
    }
    expect(left).toEqual([]);
    expect(d.kubectl(["get", "namespace", NAMESPACE, "--ignore-not-found", "-o", "name"]).trim()).toBe("");
  });
});
