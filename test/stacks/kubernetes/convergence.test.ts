import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../../scripts/render-cli.js";
import { RENDER_CONFIG } from "../../../stacks/kubernetes/render.js";
import type { MockRunResult } from "../../../stacks/mock-run.js";
import { runStackWithSecrets } from "../../helpers/stack.js";

/**
 * The first `pulumi up` converges in order: the database is Ready before the app is created.
 *
 * Engine rules, as their source states them:
 * - pulumi-kubernetes awaits a custom resource only when it carries `pulumi.com/waitFor`
 *   (pulumi/pulumi-kubernetes provider/pkg/metadata/overrides.go, `ReadyCondition`; otherwise
 *   `condition.NewImmediate`). A value is `condition=<Type>[=<Status>]` (provider/pkg/await/condition/
 *   custom.go; checked as kubectl wait does in kubectl.go `checkCondition`: type matched
 *   case-insensitively, status True by default, a stale observedGeneration is not satisfied) or
 *   `jsonpath={.path}[=value]` (provider/pkg/jsonpath/jsonpath.go: the first selected value, printed,
 *   equals the value), or a JSON array of such, all required.
 * - CloudNativePG reports a Cluster's readiness as condition `Ready`
 *   (cloudnative-pg api/v1/cluster_types.go, ConditionClusterReady = "Ready"); a Pooler has no
 *   conditions, only `status.instances` = its Deployment's `status.replicas`
 *   (api/v1/pooler_types.go PoolerStatus; internal/controller/pooler_status.go).
 * - A `dependsOn` on a component is sent as the URNs of every custom resource under it
 *   (pulumi/pulumi sdk/nodejs/runtime/resource.ts, getAllTransitivelyReferencedResourceURNs), and the
 *   engine registers the dependent only after those are created (and awaited).
 */

type Obj = {
  kind: string;
  metadata: { name: string; generation?: number; annotations?: Record<string, string> };
  status?: Record<string, unknown>;
};

/** pulumi-kubernetes' reading of `pulumi.com/waitFor` against an observed object (see above). */
function waitForSatisfied(obj: Obj): boolean {
  const raw = obj.metadata.annotations?.["pulumi.com/waitFor"];
  if (raw === undefined) return true; // no await: created and left at once
  let exprs: string[];
  try {
    exprs = JSON.parse(raw) as string[];
  } catch {
    exprs = [raw];
  }
  return exprs.every((e) => {
    if (e.startsWith("condition=")) {
      const [type, want = "True"] = e.slice("condition=".length).split("=");
      const conditions = (obj.status?.conditions ?? []) as {
        type: string;
        status: string;
        observedGeneration?: number;
      }[];
      const c = conditions.find((x) => x.type.toLowerCase() === type!.toLowerCase());
      if (!c) return false;
      if (
        obj.metadata.generation !== undefined &&
        (c.observedGeneration ?? Infinity) < obj.metadata.generation
      )
        return false;
      return c.status.toLowerCase() === want.toLowerCase();
    }
    if (e.startsWith("jsonpath=")) {
      const m = /^jsonpath=\{\.([\w.]+)\}(?:=(.+))?$/.exec(e);
      if (!m) throw new Error(`unsupported jsonpath in this test: ${e}`);
      const value = m[1]!.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], obj);
      if (value === undefined) return false;
      return m[2] === undefined || String(value) === m[2];
    }
    throw new Error(`expected a "jsonpath=" or "condition=" prefix, got ${e}`);
  });
}

const rendered = (file: string) =>
  parse(readFileSync(join(REPO_ROOT, "rendered", "prod", file), "utf8")) as Obj;

describe("prod's CloudNativePG objects are awaited by pulumi up", () => {
  const cluster = rendered("cluster-postgres.yaml");
  const poolers = ["pooler-postgres-pooler.yaml", "pooler-postgres-pooler-ro.yaml"].map(rendered);

  it("the Cluster is awaited until CloudNativePG reports it Ready, not before", () => {
    const observed = (status: string, observedGeneration = 1): Obj => ({
      ...cluster,
      metadata: { ...cluster.metadata, generation: 1 },
      status: { conditions: [{ type: "Ready", status, observedGeneration }] },
    });
    expect(waitForSatisfied({ ...cluster, status: {} })).toBe(false);
    expect(waitForSatisfied(observed("False"))).toBe(false);
    expect(waitForSatisfied(observed("True", 0))).toBe(false);
    expect(waitForSatisfied(observed("True"))).toBe(true);
  });

  it.each(poolers.map((p) => [p.metadata.name, p]))(
    "the Pooler %s is awaited until all its PgBouncer pods exist",
    (_n, pooler) => {
      const instances = (pooler as unknown as { spec: { instances: number } }).spec.instances;
      const observed = (n: number | undefined): Obj => ({
        ...pooler,
        status: n === undefined ? {} : { instances: n },
      });
      expect(waitForSatisfied(observed(undefined))).toBe(false);
      expect(waitForSatisfied(observed(instances - 1))).toBe(false);
      expect(waitForSatisfied(observed(instances))).toBe(true);
    },
  );
});

describe.each(["staging", "prod"] as const)("%s: the app waits for its database", (env) => {
  let run: MockRunResult;
  beforeAll(async () => {
    run = await runStackWithSecrets(env, { config: RENDER_CONFIG[env] });
  });

  it("McpBackend is registered depending on every database resource the provider awaits", () => {
    const backend = run.resources.find((r) => r.type === "mcp-stack:index:McpBackend");
    expect(backend).toBeDefined();
    const deps = backend!.options.dependencies;
    const awaited =
      env === "prod"
        ? [
            "kubernetes:postgresql.cnpg.io/v1:Cluster::cluster/postgres",
            "kubernetes:postgresql.cnpg.io/v1:Pooler::pooler/postgres-pooler",
            "kubernetes:postgresql.cnpg.io/v1:Pooler::pooler/postgres-pooler-ro",
          ]
        : ["kubernetes:apps/v1:StatefulSet::statefulset/postgres"];
    for (const suffix of awaited) expect(deps.some((u) => u.endsWith(`$${suffix}`))).toBe(true);
  });
});
