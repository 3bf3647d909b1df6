import { type RenderedObject, renderObjects } from "../../../stacks/kubernetes/render.js";

export type { RenderedObject };

/** A container as far as the tests look at it. */
export interface ContainerSpec {
  name: string;
  image: string;
  imagePullPolicy?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  args?: string[];
  command?: string[];
  ports?: { containerPort: number; name?: string }[];
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  volumes?: { name: string; hostPath?: unknown; emptyDir?: unknown }[];
  topologySpreadConstraints?: unknown[];
  affinity?: { podAntiAffinity?: unknown };
}

/** A pod template of a workload, with where it came from. */
export interface PodTemplate {
  /** "deployment/mcp-backend". */
  readonly workload: string;
  readonly kind: string;
  readonly object: RenderedObject;
  readonly labels: Record<string, string>;
  readonly spec: PodSpec;
  /** Deployments and StatefulSets run forever; Jobs and CronJobs finish. */
  readonly longRunning: boolean;
}

type Spec = Record<string, unknown>;

/** Every pod template of the rendered objects (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs). */
export function podTemplates(objects: readonly RenderedObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objects) {
    const spec = o.spec as Spec | undefined;
    let template: Spec | undefined;
    if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)) template = spec?.template as Spec;
    if (o.kind === "CronJob")
      template = ((spec?.jobTemplate as Spec | undefined)?.spec as Spec | undefined)?.template as Spec;
    if (!template) continue;
    const meta = template.metadata as { labels?: Record<string, string> } | undefined;
    out.push({
      workload: `${o.kind.toLowerCase()}/${o.metadata.name}`,
      kind: o.kind,
      object: o,
      labels: meta?.labels ?? {},
      spec: template.spec as PodSpec,
      longRunning: o.kind !== "Job" && o.kind !== "CronJob",
    });
  }
  return out;
}

/** Every container (init containers too) with its pod. */
export function containers(
  pods: readonly PodTemplate[],
): { pod: PodTemplate; c: ContainerSpec; init: boolean }[] {
  return pods.flatMap((pod) => [
    ...pod.spec.containers.map((c) => ({ pod, c, init: false })),
    ...(pod.spec.initContainers ?? []).map((c) => ({ pod, c, init: true })),
  ]);
}

export function byKind(objects: readonly RenderedObject[], kind: string): RenderedObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function find(objects: readonly RenderedObject[], kind: string, name: string): RenderedObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} rendered`);
  return o;
}

/** True when `selector` (matchLabels) selects a pod with `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

const cache = new Map<string, Promise<RenderedObject[]>>();
/** The rendered objects of an environment (rendered once per test file). */
export function rendered(env: "dev" | "staging" | "prod"): Promise<RenderedObject[]> {
  let p = cache.get(env);
  if (!p) {
    p = renderObjects(env);
    cache.set(env, p);
  }
  return p;
}
