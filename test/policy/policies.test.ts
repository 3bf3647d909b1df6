import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../../environments/index.js";
import { type PackConfig, parsePolicyConfig } from "../../policy/config.js";
import {
  loadBalancersOnlyWhereAsked,
  meshDefaultDeny,
  networkPolicyCoverage,
  noSecretsInConfigMaps,
  POLICIES,
  pinnedImages,
  podDisruptionBudgets,
  podSecurityRestricted,
  probes,
  protectProdData,
  requestsAndLimits,
  workloadConventions,
} from "../../policy/policies.js";
import { runResourcePolicy, runStackPolicy, type TestResource } from "../../policy/testing.js";
import { stalePolicyConfigs } from "../../scripts/policy-config.js";
import { overrideConfig } from "../../scripts/render-cli.js";
import { placeholderSecrets, RENDER_CONFIG, unwrapSecrets } from "../../stacks/kubernetes/render.js";
import { runUnderMocks } from "../../stacks/mock-run.js";

/** Every resource the program registers for an environment, as the engine would hand them to the pack. */
async function stackResources(
  env: EnvironmentName,
  config: Record<string, unknown> = RENDER_CONFIG[env],
): Promise<TestResource[]> {
  const run = await runUnderMocks(env, { config, secrets: placeholderSecrets() });
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    props: unwrapSecrets(r.inputs) as Record<string, unknown>,
    protect: r.options.protect,
  }));
}

const isResourcePolicy = (p: unknown): p is ResourceValidationPolicy =>
  typeof (p as ResourceValidationPolicy).validateResource !== "undefined";

/** The committed `--policy-pack-config` file of an environment, as `pulumi preview` would read it. */
const packConfig = (env: EnvironmentName): PackConfig =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../policy/config", `${env}.json`), "utf8"));

async function allViolations(resources: readonly TestResource[], config: PackConfig): Promise<string[]> {
  const out: string[] = [];
  for (const policy of POLICIES) {
    if (isResourcePolicy(policy))
      for (const r of resources)
        out.push(...(await runResourcePolicy(policy, r, config)).map((v) => `${policy.name}: ${v}`));
    else
      out.push(
        ...(await runStackPolicy(policy as StackValidationPolicy, resources, config)).map(
          (v) => `${policy.name}: ${v}`,
        ),
      );
  }
  return out;
}

const stacks = new Map<EnvironmentName, TestResource[]>();
beforeAll(async () => {
  // One mock run at a time: the SDK's mocks are process-global.
  for (const env of ENVIRONMENT_NAMES) stacks.set(env, await stackResources(env));
});

const find = (env: EnvironmentName, type: string, name: string) => {
  const r = stacks
    .get(env)!
    .find((x) => x.type === type && (x.props.metadata as { name?: string })?.name === name);
  if (!r) throw new Error(`no ${type} ${name} in ${env}`);
  return structuredClone(r);
};
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
type Pod = { containers: Record<string, unknown>[]; [k: string]: unknown };
const podOf = (r: TestResource) => (r.props.spec as { template: { spec: Pod } }).template.spec;
const app = () => find("prod", DEPLOYMENT, "mcp-backend");

describe("the policy pack over every environment", () => {
  it.each(ENVIRONMENT_NAMES)("finds no mandatory violation in %s", async (env) => {
    expect(await allViolations(stacks.get(env)!, packConfig(env))).toEqual([]);
  });

  it("catches a --set override that breaks what the environment's pack config declares", async () => {
    // Moved to another namespace and unprotected: the pack judges by its config, not by a namespace it
    // would look up in a model, so the override cannot slip past it.
    const sets = [
      ["kubernetes.namespace", "production-b"],
      ["kubernetes.protectData", "false"],
    ] as const;
    const resources = await stackResources("prod", overrideConfig("prod", sets));
    const found = await allViolations(resources, packConfig("prod"));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v.startsWith("protect-prod-data: "))).toBe(true);
    expect(found).toContain(
      "protect-prod-data: kubernetes:core/v1:Namespace production-b: data-bearing and not protected",
    );
  });

  it("rejects a pack config with an unknown or mistyped key, naming it", () => {
    expect(() => parsePolicyConfig("protect-prod-data", { protectdata: true })).toThrow(
      /protect-prod-data: Unrecognized key: "protectdata"/,
    );
    expect(() => parsePolicyConfig("mesh-default-deny", { mesh: "consul" })).toThrow(
      /mesh-default-deny\.mesh/,
    );
    expect(parsePolicyConfig("mesh-default-deny", { enforcementLevel: "advisory" })).toEqual({
      mesh: "none",
    });
  });

  it("declares every policy mandatory, named and described", () => {
    expect(POLICIES.length).toBe(11);
    for (const p of POLICIES) {
      expect(p.enforcementLevel, p.name).toBe("mandatory");
      expect(p.description.length, p.name).toBeGreaterThan(30);
    }
    expect(new Set(POLICIES.map((p) => p.name)).size).toBe(POLICIES.length);
  });
});

describe("each policy passes a good resource and reports a bad one", () => {
  it("pod-security-restricted: a root, privileged container with a writable root", async () => {
    expect(await runResourcePolicy(podSecurityRestricted, app())).toEqual([]);
    const bad = app();
    const c = podOf(bad).containers[0]!;
    c.securityContext = {
      ...(c.securityContext as object),
      runAsUser: 0,
      privileged: true,
      readOnlyRootFilesystem: false,
    };
    podOf(bad).hostNetwork = true;
    expect(await runResourcePolicy(podSecurityRestricted, bad)).toEqual(
      expect.arrayContaining([
        "deployment/mcp-backend/mcp-backend: runAsUser unset or root",
        "deployment/mcp-backend/mcp-backend: privileged",
        "deployment/mcp-backend/mcp-backend: root filesystem writable",
        "deployment/mcp-backend: shares a host namespace",
      ]),
    );
  });

  it("requests-and-limits: a container without a memory limit", async () => {
    expect(await runResourcePolicy(requestsAndLimits, app())).toEqual([]);
    const bad = app();
    delete (podOf(bad).containers[0]!.resources as { limits: Record<string, unknown> }).limits.memory;
    expect(await runResourcePolicy(requestsAndLimits, bad)).toEqual([
      "deployment/mcp-backend/mcp-backend: no memory limits",
    ]);
  });

  it("probes: a missing readiness probe", async () => {
    expect(await runResourcePolicy(probes, app())).toEqual([]);
    const bad = app();
    delete podOf(bad).containers[0]!.readinessProbe;
    expect(await runResourcePolicy(probes, bad)).toEqual([
      "deployment/mcp-backend/mcp-backend: no readiness probe",
    ]);
  });

  it("pinned-images: :latest and untagged", async () => {
    expect(await runResourcePolicy(pinnedImages, app())).toEqual([]);
    for (const image of ["mcp-backend:latest", "registry.example/mcp-backend"]) {
      const bad = app();
      podOf(bad).containers[0]!.image = image;
      expect(await runResourcePolicy(pinnedImages, bad)).toEqual([
        `deployment/mcp-backend/mcp-backend: image ${image} is not pinned`,
      ]);
    }
  });

  it("workload-conventions: a missing recommended label", async () => {
    expect(await runResourcePolicy(workloadConventions, app())).toEqual([]);
    const bad = app();
    delete (bad.props.metadata as { labels: Record<string, string> }).labels["app.kubernetes.io/part-of"];
    expect(await runResourcePolicy(workloadConventions, bad)).toEqual([
      "deployment/mcp-backend: object lacks label app.kubernetes.io/part-of",
    ]);
  });

  it("no-secrets-in-configmaps: a secret value, a literal password and a URL with one", async () => {
    const cm = find("prod", "kubernetes:core/v1:ConfigMap", "mcp-backend-config");
    expect(await runResourcePolicy(noSecretsInConfigMaps, cm)).toEqual([]);
    const data = cm.props.data as Record<string, string>;
    data.LEAK = "RENDERSECRETdbPasswordXX";
    data.DB_PASSWORD = "hunter2";
    data.BROKER = "amqp://app:hunter2@mq:5672/";
    data.OK_PASSWORD = "$(DB_PASSWORD)";
    expect(await runResourcePolicy(noSecretsInConfigMaps, cm)).toEqual([
      "configmap/mcp-backend-config: LEAK holds a secret value",
      "configmap/mcp-backend-config: DB_PASSWORD looks like a credential; put it in a Secret",
      "configmap/mcp-backend-config: BROKER has a URL with a password",
    ]);
  });

  it("load-balancers-only-where-asked: prod's app may, staging's may not", async () => {
    const svc = find("prod", "kubernetes:core/v1:Service", "mcp-backend");
    expect((svc.props.spec as { type: string }).type).toBe("LoadBalancer");
    expect(await runResourcePolicy(loadBalancersOnlyWhereAsked, svc, packConfig("prod"))).toEqual([]);
    // Without a config file, no Service may be a LoadBalancer.
    expect(await runResourcePolicy(loadBalancersOnlyWhereAsked, svc)).toEqual([
      "service/mcp-backend: type LoadBalancer in production, where the pack config allows none",
    ]);
    const staging = find("staging", "kubernetes:core/v1:Service", "mcp-backend");
    (staging.props.spec as { type: string }).type = "LoadBalancer";
    expect(await runResourcePolicy(loadBalancersOnlyWhereAsked, staging, packConfig("staging"))).toEqual([
      "service/mcp-backend: type LoadBalancer in staging, where the pack config allows none",
    ]);
  });

  it("pod-disruption-budgets: a PDB that blocks every eviction at the HPA's minimum", async () => {
    const prod = structuredClone(stacks.get("prod")!);
    expect(await runStackPolicy(podDisruptionBudgets, prod)).toEqual([]);
    const pdb = prod.find(
      (r) =>
        r.type.endsWith("PodDisruptionBudget") &&
        (r.props.metadata as { name: string }).name === "mcp-backend",
    )!;
    (pdb.props.spec as Record<string, unknown>).minAvailable = 99;
    delete (pdb.props.spec as Record<string, unknown>).maxUnavailable;
    expect(await runStackPolicy(podDisruptionBudgets, prod)).toEqual([
      expect.stringMatching(
        /^deployment\/mcp-backend: PDB minAvailable 99 blocks every eviction at \d+ replicas$/,
      ),
    ]);
  });

  it("network-policy-coverage: a pod whose own policy is gone; dev (no policies asked) passes", async () => {
    expect(await runStackPolicy(networkPolicyCoverage, stacks.get("dev")!, packConfig("dev"))).toEqual([]);
    const prod = stacks.get("prod")!;
    expect(await runStackPolicy(networkPolicyCoverage, prod, packConfig("prod"))).toEqual([]);
    const without = prod.filter(
      (r) =>
        !(r.type.endsWith("NetworkPolicy") && (r.props.metadata as { name: string }).name === "mcp-backend"),
    );
    expect(await runStackPolicy(networkPolicyCoverage, without, packConfig("prod"))).toEqual([
      "deployment/mcp-backend: no NetworkPolicy with both Ingress and Egress selects it",
    ]);
  });

  it("mesh-default-deny: prod (Linkerd) passes; a relaxed default, an opted-out pod and no injection fail", async () => {
    expect(await runStackPolicy(meshDefaultDeny, stacks.get("staging")!, packConfig("staging"))).toEqual([]);
    const prod = structuredClone(stacks.get("prod")!);
    expect(await runStackPolicy(meshDefaultDeny, prod, packConfig("prod"))).toEqual([]);
    const ns = prod.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
    const annotations = (ns.props.metadata as { annotations: Record<string, string> }).annotations;
    annotations["config.linkerd.io/default-inbound-policy"] = "all-unauthenticated";
    const redis = prod.find(
      (r) =>
        r.type === "kubernetes:apps/v1:StatefulSet" &&
        (r.props.metadata as { name: string }).name === "redis",
    )!;
    const template = (redis.props.spec as { template: { metadata: { annotations: Record<string, string> } } })
      .template.metadata;
    template.annotations["linkerd.io/inject"] = "disabled";
    expect(await runStackPolicy(meshDefaultDeny, prod, packConfig("prod"))).toEqual([
      "namespace production: Linkerd's default inbound policy is not deny",
      "statefulset/redis: opts out of the mesh",
    ]);
    delete annotations["linkerd.io/inject"];
    expect(await runStackPolicy(meshDefaultDeny, prod, packConfig("prod"))).toEqual([
      "namespace production: the policy config (mesh-default-deny.mesh) asks for mesh linkerd, but the namespace is not injected",
    ]);
  });

  it("protect-prod-data: an unprotected prod PVC; staging needs none", async () => {
    expect(await runStackPolicy(protectProdData, stacks.get("staging")!, packConfig("staging"))).toEqual([]);
    const prod = structuredClone(stacks.get("prod")!);
    expect(await runStackPolicy(protectProdData, prod, packConfig("prod"))).toEqual([]);
    const pvc = prod.find((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim")!;
    const unprotected = prod.map((r) => (r === pvc ? { ...r, protect: false } : r));
    expect(await runStackPolicy(protectProdData, unprotected, packConfig("prod"))).toEqual([
      `kubernetes:core/v1:PersistentVolumeClaim ${pvc.name}: data-bearing and not protected`,
    ]);
  });
});

describe("policy/config/<env>.json", () => {
  it("say what the models declare (npm run generate:policy-config when stale)", () => {
    expect(stalePolicyConfigs()).toEqual([]);
  });
});
