/**
 * The Kubernetes objects a rule looks at, as the stack registers them (a resource's inputs) and as
 * rendered/ shows them: plain objects, read structurally so the same functions serve the policy pack,
 * the vitest walks and the diagram.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** A container as far as the rules look at it. */
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
  serviceAccountName?: string;
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
  readonly object: KubeObject;
  readonly labels: Record<string, string>;
  readonly spec: PodSpec;
  /** Deployments and StatefulSets run forever; Jobs and CronJobs finish. */
  readonly longRunning: boolean;
}

type Spec = Record<string, unknown>;

/** The kinds whose objects carry a pod template. */
export const WORKLOAD_KINDS: readonly string[] = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/** The pod template of one object, if it has one. */
export function podTemplate(o: KubeObject): PodTemplate | undefined {
  const spec = o.spec as Spec | undefined;
  let template: Spec | undefined;
  if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)) template = spec?.template as Spec;
  if (o.kind === "CronJob")
    template = ((spec?.jobTemplate as Spec | undefined)?.spec as Spec | undefined)?.template as Spec;
  if (!template?.spec) return undefined;
  const meta = template.metadata as { labels?: Record<string, string> } | undefined;
  return {
    workload: `${o.kind.toLowerCase()}/${o.metadata.name}`,
    kind: o.kind,
    object: o,
    labels: meta?.labels ?? {},
    spec: template.spec as PodSpec,
    longRunning: o.kind !== "Job" && o.kind !== "CronJob",
  };
}

/** Every pod template of the objects (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs). */
export function podTemplates(objects: readonly KubeObject[]): PodTemplate[] {
  return objects.flatMap((o) => podTemplate(o) ?? []);
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

export function byKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** True when `selector` (matchLabels) selects a pod with `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}
