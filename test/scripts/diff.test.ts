import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asObjectIdentity, committedSnapshot, extractTree } from "../../scripts/diff/base.js";
import {
  formatPreview,
  preview,
  type SnapshotResource,
  summaryLine,
  warnings,
} from "../../scripts/diff/preview.js";
import { snapshot } from "../../scripts/diff/snapshot.js";
import { parseDiffArgs } from "../../scripts/diff-cli.js";
import { REPO_ROOT } from "../../scripts/render-cli.js";

type Obj = Record<string, unknown>;
const res = (type: string, name: string, object: Obj, protect = false): SnapshotResource => ({
  type,
  name,
  protect,
  object,
});
const clone = <T>(v: T): T => structuredClone(v);

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "app", namespace: "ns" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "app" } },
    template: {
      metadata: { labels: { app: "app" } },
      spec: { containers: [{ name: "app", image: "app:1.0.0" }] },
    },
  },
};
const statefulSet = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db", namespace: "ns" },
  spec: {
    serviceName: "db",
    selector: { matchLabels: { app: "db" } },
    volumeClaimTemplates: [
      { metadata: { name: "data" }, spec: { resources: { requests: { storage: "10Gi" } } } },
    ],
    template: { spec: { containers: [{ name: "db", image: "postgres:17" }] } },
  },
};
const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "app", namespace: "ns" },
  spec: { clusterIP: "None", ports: [{ port: 80 }] },
};
const pvc = {
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "data", namespace: "ns" },
  spec: { storageClassName: "standard", resources: { requests: { storage: "1Gi" } } },
};
const job = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "migrate", namespace: "ns" },
  spec: { template: { spec: { containers: [{ name: "m", image: "app:1.0.0" }] } } },
};
const secret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "creds", namespace: "ns" },
  stringData: { url: "postgresql://app:<secret:dbPassword>@db:5432/app" },
};
const T = {
  dep: "kubernetes:apps/v1:Deployment",
  sts: "kubernetes:apps/v1:StatefulSet",
  svc: "kubernetes:core/v1:Service",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  job: "kubernetes:batch/v1:Job",
  secret: "kubernetes:core/v1:Secret",
};

/** The preview of one resource changed by `edit`. */
function changed(type: string, object: Obj, edit: (o: Obj) => void, protect = false) {
  const after = clone(object);
  edit(after);
  return preview([res(type, "r", object, protect)], [res(type, "r", after, protect)]);
}

describe("offline preview", () => {
  it("shows a create, an update with old → new values, and a delete, with Pulumi's summary", () => {
    const after = clone(deployment);
    after.spec.replicas = 3;
    after.spec.template.spec.containers[0]!.image = "app:1.1.0";
    const p = preview(
      [res(T.dep, "app", deployment), res(T.svc, "gone", service)],
      [res(T.dep, "app", after), res(T.job, "migrate", job)],
    );
    expect(p.changes.map((c) => [c.op, c.object])).toEqual([
      ["create", "Job/migrate"],
      ["update", "Deployment/app"],
      ["delete", "Service/app"],
    ]);
    expect(p.changes[1]!.changes).toEqual([
      { path: "spec.replicas", old: 2, new: 3 },
      { path: "spec.template.spec.containers[0].image", old: "app:1.0.0", new: "app:1.1.0" },
    ]);
    expect(summaryLine(p)).toBe("+ 1 to create, ~ 1 to update, - 1 to delete, 0 unchanged");
    const text = formatPreview(p, "heading");
    expect(text).toContain(" ~ kubernetes:apps/v1:Deployment app (Deployment/app) update");
    expect(text).toContain('      ~ spec.template.spec.containers[0].image: "app:1.0.0" → "app:1.1.0"');
    expect(text).toContain("Resources: + 1 to create, ~ 1 to update, - 1 to delete, 0 unchanged");
  });

  it("counts identical resources as unchanged", () => {
    const p = preview([res(T.dep, "app", deployment)], [res(T.dep, "app", clone(deployment))]);
    expect(p).toEqual({ changes: [], unchanged: 1 });
  });

  it.each([
    [
      "a Deployment's selector",
      T.dep,
      deployment,
      (o: Obj) => {
        (o as typeof deployment).spec.selector.matchLabels.app = "x";
      },
      ".spec.selector",
    ],
    [
      "a StatefulSet's volumeClaimTemplates",
      T.sts,
      statefulSet,
      (o: Obj) => {
        (o as typeof statefulSet).spec.volumeClaimTemplates[0]!.spec.resources.requests.storage = "20Gi";
      },
      ".spec.volumeClaimTemplates",
    ],
    [
      "a StatefulSet's serviceName",
      T.sts,
      statefulSet,
      (o: Obj) => {
        (o as typeof statefulSet).spec.serviceName = "db-headless";
      },
      ".spec.serviceName",
    ],
    [
      "a StatefulSet's selector",
      T.sts,
      statefulSet,
      (o: Obj) => {
        (o as typeof statefulSet).spec.selector.matchLabels.app = "x";
      },
      ".spec.selector",
    ],
    [
      "a Service's clusterIP",
      T.svc,
      service,
      (o: Obj) => {
        (o as typeof service).spec.clusterIP = "10.0.0.9";
      },
      ".spec.clusterIP",
    ],
    [
      "a PVC's storageClassName",
      T.pvc,
      pvc,
      (o: Obj) => {
        (o as typeof pvc).spec.storageClassName = "fast";
      },
      ".spec",
    ],
    [
      "a Job's template",
      T.job,
      job,
      (o: Obj) => {
        (o as typeof job).spec.template.spec.containers[0]!.image = "app:2";
      },
      ".spec.template",
    ],
    [
      "an object's name",
      T.dep,
      deployment,
      (o: Obj) => {
        (o as typeof deployment).metadata.name = "app-v2";
      },
      ".metadata.name",
    ],
  ])("replaces on a change of %s", (_what, type, object, edit, trigger) => {
    const p = changed(type, object, edit);
    expect(p.changes.map((c) => c.op)).toEqual(["replace"]);
    expect(p.changes[0]!.changes.some((f) => f.replaces === trigger)).toBe(true);
    expect(formatPreview(p, "")).toContain(`[replace: ${trigger}]`);
    expect(summaryLine(p)).toBe("+- 1 to replace, 0 unchanged");
  });

  it("patches a Deployment's pod template and a StatefulSet's replicas rather than replacing", () => {
    expect(
      changed(T.dep, deployment, (o) => {
        (o as typeof deployment).spec.template.spec.containers[0]!.image = "app:2";
      }).changes[0]!.op,
    ).toBe("update");
    expect(
      changed(T.sts, statefulSet, (o) => {
        (o as Obj & { spec: Obj }).spec.replicas = 3;
      }).changes[0]!.op,
    ).toBe("update");
  });

  it("flags the replacement of a stateful object loudly, and a protected one Pulumi will refuse", () => {
    const p = changed(
      T.sts,
      statefulSet,
      (o) => {
        (o as typeof statefulSet).spec.serviceName = "x";
      },
      true,
    );
    expect(warnings(p)).toEqual([
      "!!! REPLACE OF STATEFUL StatefulSet/db: it is deleted and re-created; its data may go with it",
      "!!! StatefulSet/db is protected: pulumi up stops at this replace until `pulumi state unprotect`",
    ]);
    const cluster = {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: { name: "pg" },
      spec: {},
    };
    const gone = preview([res("kubernetes:postgresql.cnpg.io/v1:Cluster", "pg", cluster)], []);
    expect(warnings(gone)[0]).toMatch(/^!!! DELETE OF STATEFUL Cluster\/pg/);
  });

  it("never shows a Secret's values, old or new", () => {
    const p = changed(T.secret, secret, (o) => {
      (o as typeof secret).stringData.url = "postgresql://app:<secret:dbPassword>@db2:5432/app";
    });
    const text = formatPreview(p, "");
    expect(text).toContain('~ stringData.url: "[secret]" → "[secret]"');
    expect(text).not.toContain("postgresql://");
    expect(text).not.toContain("db2");
  });
});

describe("npm run diff", () => {
  it("takes an environment, --base and --exit-code", () => {
    expect(parseDiffArgs(["prod", "--base", "origin/main", "--exit-code"])).toEqual({
      env: "prod",
      base: "origin/main",
      exitCode: true,
    });
    expect(() => parseDiffArgs([])).toThrow(/usage/);
    expect(() => parseDiffArgs(["qa"])).toThrow('Unknown environment "qa"');
  });

  it("extracts a revision with git archive, node_modules linked, leaving the repository alone", () => {
    const tree = extractTree(REPO_ROOT, "HEAD");
    try {
      expect(existsSync(join(tree.dir, "stacks", "kubernetes", "render.ts"))).toBe(true);
      expect(existsSync(join(tree.dir, "node_modules", "@pulumi", "pulumi"))).toBe(true);
      expect(tree.commit).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      tree.cleanup();
    }
    expect(existsSync(tree.dir)).toBe(false);
  });

  it("finds no change between the committed rendered/ files and a fresh render (the fallback's matching)", async () => {
    const head = asObjectIdentity(await snapshot(REPO_ROOT, "prod"));
    const p = preview(committedSnapshot(REPO_ROOT, "prod"), head);
    expect(p.changes).toEqual([]);
    expect(p.unchanged).toBe(head.length);
  });
});
