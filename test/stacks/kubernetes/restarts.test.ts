import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../../environments/index.js";
import { podTemplates, type RenderedObject, rendered } from "./rendered-objects.js";

/**
 * Kubernetes restarts a workload's pods only when its pod template changes (a Deployment's or
 * StatefulSet's controller compares templates). Environment variables from a ConfigMap or Secret are
 * read once, at container start; a mounted ConfigMap is refreshed in place by the kubelet, but never
 * under a `subPath` mount, and most programs read their config once anyway. So every long-running
 * workload that reads one must carry a `checksum/…` annotation that changes with it.
 */
interface Template {
  metadata?: { annotations?: Record<string, string> };
  spec: {
    volumes?: {
      name: string;
      configMap?: { name: string };
      secret?: { secretName: string };
      projected?: unknown;
    }[];
    containers: Container[];
    initContainers?: Container[];
  };
}
interface Container {
  name: string;
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { valueFrom?: { configMapKeyRef?: { name: string }; secretKeyRef?: { name: string } } }[];
  volumeMounts?: { name: string; subPath?: string }[];
}

function templateOf(o: RenderedObject): Template {
  return (o.spec as { template: Template }).template;
}

/** The ConfigMaps and Secrets a pod template reads (volumes, envFrom, env valueFrom). */
function reads(t: Template): string[] {
  const out = new Set<string>();
  for (const v of t.spec.volumes ?? []) {
    if (v.configMap) out.add(`configmap/${v.configMap.name}`);
    if (v.secret) out.add(`secret/${v.secret.secretName}`);
  }
  for (const c of [...t.spec.containers, ...(t.spec.initContainers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) out.add(`configmap/${e.configMapRef.name}`);
      if (e.secretRef) out.add(`secret/${e.secretRef.name}`);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) out.add(`configmap/${e.valueFrom.configMapKeyRef.name}`);
      if (e.valueFrom?.secretKeyRef) out.add(`secret/${e.valueFrom.secretKeyRef.name}`);
    }
  }
  return [...out].sort();
}

describe.each(ENVIRONMENT_NAMES)("%s: config and secret changes reach the pods", (env) => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    objects = await rendered(env);
  });

  it("annotates every Deployment and StatefulSet that reads a ConfigMap or Secret with its checksum", () => {
    const workloads = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
    expect(workloads.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const w of workloads) {
      const t = templateOf(w);
      const used = reads(t);
      const annotations = Object.keys(t.metadata?.annotations ?? {});
      const kinds = new Set(used.map((r) => r.split("/")[0]));
      if (kinds.has("configmap") && !annotations.includes("checksum/config"))
        missing.push(`${w.kind}/${w.metadata.name} reads ${used.join(", ")} without checksum/config`);
      if (kinds.has("secret") && !annotations.includes("checksum/secrets"))
        missing.push(`${w.kind}/${w.metadata.name} reads ${used.join(", ")} without checksum/secrets`);
    }
    expect(missing).toEqual([]);
  });

  it("mounts no ConfigMap or Secret with subPath (the kubelet never refreshes those)", () => {
    const found: string[] = [];
    for (const pod of podTemplates(objects)) {
      const spec = pod.spec as unknown as Template["spec"];
      const sourced = new Set((spec.volumes ?? []).filter((v) => v.configMap || v.secret).map((v) => v.name));
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
        for (const m of c.volumeMounts ?? [])
          if (m.subPath && sourced.has(m.name))
            found.push(`${pod.workload}/${c.name}: ${m.name} → ${m.subPath}`);
    }
    expect(found).toEqual([]);
  });
});
