import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { IMAGES } from "../../../environments/common.js";
import { deepMerge } from "../../../environments/merge.js";
import { DATA_OPERATOR_VERSIONS } from "../../../infra/k8s/data-operators/args.js";
import { preview, type SnapshotResource, warnings } from "../../../scripts/diff/preview.js";
import { STATEFUL_KINDS } from "../../../scripts/diff/replace-rules.js";
import { snapshot } from "../../../scripts/diff/snapshot.js";
import { REPO_ROOT } from "../../../scripts/render-cli.js";
import { RENDER_CONFIG } from "../../../stacks/kubernetes/render.js";

/**
 * Routine day-2 changes, each rendered against the environment as committed and compared with the
 * offline `pulumi preview --diff` (scripts/diff/): none may replace or delete a stateful object
 * (StatefulSet, PVC, CloudNativePG Cluster, ObjectStore, Namespace).
 *
 * Engine rule: which field changes make pulumi-kubernetes replace an object is its `forceNew` table,
 * pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (`statefulSet`: `.spec.volumeClaimTemplates`,
 * `.spec.selector`, `.spec.serviceName`, …; custom resources: `.metadata.name` / `.namespace` only),
 * as scripts/diff/replace-rules.ts carries it. The Kubernetes API server agrees for StatefulSets:
 * kubernetes/kubernetes pkg/apis/apps/validation/validation.go, ValidateStatefulSetUpdate, lets only
 * replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and
 * minReadySeconds change.
 */

type Env = "staging" | "prod";

interface Change {
  readonly what: string;
  /** Stack config merged over the environment's render config (`pulumi config set --path`). */
  readonly config?: Record<string, unknown>;
  /** Secret config over the placeholders. */
  readonly secrets?: Record<string, string>;
  /** A change of code rather than config (a chart pin); returns the undo. */
  readonly patch?: () => () => void;
}

/** A new tag of the same image. */
const bumped = (image: string) => `${image.replace(/:[^:]+$/, "")}:9.9.9-bump`;

const CHANGES: readonly Change[] = [
  {
    what: "an app version and image bump",
    config: { version: "1.0.1", image: "registry.example.invalid/render-only/mcp-backend:1.0.1" },
  },
  { what: "a Redis image bump", config: { redis: { image: bumped(IMAGES.redis) } } },
  { what: "a Redis exporter image bump", config: { redis: { exporterImage: bumped(IMAGES.redisExporter) } } },
  {
    what: "a Postgres image bump (statefulset engine)",
    config: { database: { image: bumped(IMAGES.postgres) } },
  },
  {
    what: "a Postgres image bump (CloudNativePG operand)",
    config: {
      database: { cloudNativePg: { image: "ghcr.io/cloudnative-pg/postgresql:17.9-standard-trixie" } },
    },
  },
  {
    what: "monitoring image bumps (Prometheus, Grafana, collector)",
    config: {
      prometheus: { image: bumped(IMAGES.prometheus) },
      grafana: { image: bumped(IMAGES.grafana) },
      jaeger: { collector: { image: bumped(IMAGES.otelCollector) } },
    },
  },
  {
    what: "replica changes (app, HPA, CloudNativePG instances, Poolers)",
    config: {
      kubernetes: { replicas: 5, hpa: { minReplicas: 5, maxReplicas: 25 } },
      database: { cloudNativePg: { instances: 4 }, pooler: { replicas: 3, defaultPoolSize: 50 } },
    },
  },
  {
    what: "resource changes (app, Redis, Postgres)",
    config: {
      kubernetes: { resources: { limits: { cpu: "3", memory: "6Gi", ephemeralStorage: "1Gi" } } },
      redis: { resources: { limits: { cpu: "2", memory: "4Gi", ephemeralStorage: "256Mi" } } },
      database: { postgres: { cpu: "6", memory: "24Gi" } },
    },
  },
  { what: "a database password rotation", secrets: { dbPassword: "RENDERSECRETdbPasswordRotatedXX" } },
  {
    what: "an operator chart bump",
    patch: () => {
      const pins = DATA_OPERATOR_VERSIONS as unknown as Record<string, string>;
      const before = { ...pins };
      pins.cloudnativePg = "0.30.0";
      pins.barmanCloud = "0.8.0";
      return () => Object.assign(pins, before);
    },
  },
  { what: "a switch to Istio", config: { mesh: "istio" } },
  { what: "a switch to no mesh", config: { mesh: "none" } },
];

const ENVS: readonly Env[] = ["staging", "prod"];
const base = new Map<Env, SnapshotResource[]>();
let undo: (() => void) | undefined;

beforeAll(async () => {
  for (const env of ENVS) base.set(env, await snapshot(REPO_ROOT, env));
}, 120_000);

afterEach(() => {
  undo?.();
  undo = undefined;
});

/** The replacements and deletions of stateful objects a change would make, with why. */
async function statefulLosses(env: Env, change: Change): Promise<string[]> {
  undo = change.patch?.();
  const config = deepMerge(RENDER_CONFIG[env], change.config ?? {}) as Record<string, unknown>;
  const after = await snapshot(REPO_ROOT, env, config, change.secrets);
  const p = preview(base.get(env)!, after);
  // Each case must change something, or it proves nothing (a key the environment ignores).
  expect(p.changes.length, `${change.what} changes nothing in ${env}`).toBeGreaterThan(0);
  return p.changes
    .filter((c) => (c.op === "replace" || c.op === "delete") && STATEFUL_KINDS.has(c.kind))
    .map(
      (c) =>
        `${c.op} ${c.object}: ${c.changes
          .filter((f) => f.replaces)
          .map((f) => f.path)
          .join(", ")}`,
    );
}

describe.each(ENVS)("routine changes in %s", (env) => {
  it.each(CHANGES.filter((c) => applies(env, c)))(
    "$what replaces or deletes no stateful object",
    async (change) => {
      expect(await statefulLosses(env, change)).toEqual([]);
    },
    60_000,
  );
});

/** Cases whose knob the environment does not turn (staging runs no CloudNativePG, no collector, no mesh). */
function applies(env: Env, c: Change): boolean {
  if (env === "staging") return !/CloudNativePG|no mesh|operator chart/.test(c.what);
  return !/statefulset engine/.test(c.what);
}

describe("the offline diff sees what these tests guard against", () => {
  it("a change under a StatefulSet's volumeClaimTemplates is a replacement, flagged as stateful", () => {
    const sts = base.get("prod")!.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
    const changed = structuredClone(sts);
    const claims = (
      changed.object as { spec: { volumeClaimTemplates: { metadata: { labels: Record<string, string> } }[] } }
    ).spec.volumeClaimTemplates;
    claims[0]!.metadata.labels["app.kubernetes.io/version"] = "changed";
    const p = preview([sts], [changed]);
    expect(p.changes.map((c) => c.op)).toEqual(["replace"]);
    expect(warnings(p)[0]).toMatch(/^!!! REPLACE OF STATEFUL StatefulSet\//);
  });
});
