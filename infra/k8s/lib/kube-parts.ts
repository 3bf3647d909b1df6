import { createHash } from "node:crypto";
import { App, Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";

/**
 * Shared building material of the infra/k8s components: the recommended labels, the restricted
 * security context, resource quantities. Each component builds its objects with the typed cdk8s L1
 * constructs of cdk8s-plus-28 (`k8s.KubeDeployment`, ...) so that names and selectors stay exactly as
 * written (the L2 constructs add `cdk8s.io/metadata.addr` hash labels to selectors).
 */

/** CPU, memory and ephemeral-storage quantities of one side (requests or limits). */
export interface ResourceQuantities {
  /** CPU, e.g. "500m". */
  readonly cpu: string;
  /** Memory, e.g. "1Gi". */
  readonly memory: string;
  /** Ephemeral storage (logs, emptyDirs on disk), e.g. "256Mi". */
  readonly ephemeralStorage: string;
}

/** Requests and limits of one container. */
export interface ContainerResources {
  /** What the scheduler reserves. */
  readonly requests: ResourceQuantities;
  /** What the container may use at most (memory above it is OOM-killed). */
  readonly limits: ResourceQuantities;
}

/** Where an environment variable's value lives in a Secret. */
export interface SecretKeyRef {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key in it. */
  readonly key: string;
}

/** Labels every object of a component carries (the `app.kubernetes.io/*` recommended set). */
export interface LabelArgs {
  /** app.kubernetes.io/name and the `app` selector label, e.g. "redis". */
  readonly name: string;
  /** app.kubernetes.io/component, e.g. "cache", "database". */
  readonly component: string;
  /** app.kubernetes.io/version: the image tag or app version. */
  readonly version: string;
  /** app.kubernetes.io/instance. */
  readonly instance: string;
  /** app.kubernetes.io/part-of. */
  readonly partOf: string;
}

/** The managed-by label: Pulumi applies the objects (cdk8s only synthesises them). */
export const MANAGED_BY = "pulumi";

/** The selector label of a workload: `app: <name>`, as the reference's Deployment selects. */
export function selectorLabels(name: string): Record<string, string> {
  return { app: name };
}

/** Selector label plus the recommended `app.kubernetes.io/*` labels. */
export function recommendedLabels(l: LabelArgs): Record<string, string> {
  return {
    ...selectorLabels(l.name),
    "app.kubernetes.io/name": l.name,
    "app.kubernetes.io/instance": l.instance,
    "app.kubernetes.io/version": labelValue(l.version),
    "app.kubernetes.io/component": l.component,
    "app.kubernetes.io/part-of": l.partOf,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/**
 * The recommended labels without `app.kubernetes.io/version`: for fields the provider never patches.
 * A StatefulSet's `volumeClaimTemplates` is force-new in pulumi-kubernetes (`statefulSet` in
 * provider/pkg/provider/diff.go; scripts/diff/replace-rules.ts) and immutable in the API server, so a
 * label that follows the image tag there turns every image bump into a replacement of the StatefulSet
 * (a protected one stops `pulumi up`). The pods and the StatefulSet itself keep the version label.
 */
export function stableLabels(l: Omit<LabelArgs, "version">): Record<string, string> {
  const { "app.kubernetes.io/version": _version, ...rest } = recommendedLabels({ ...l, version: "" });
  return rest;
}

/** A label value: at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric. */
export function labelValue(v: string): string {
  return v
    .replace(/[^A-Za-z0-9_.-]/g, "_")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** The tag of a pinned image reference ("redis:7.4.2-alpine" → "7.4.2-alpine"); the digest if pinned by one. */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  if (at >= 0)
    return image
      .slice(at + 1)
      .replace("sha256:", "")
      .slice(0, 12);
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash ? image.slice(colon + 1) : "";
}

/** True when an image names a version: a tag other than `latest`, or a digest. */
export function isPinnedImage(image: string): boolean {
  if (image.includes("@sha256:")) return true;
  const tag = imageTag(image);
  return tag !== "" && tag !== "latest";
}

/** A Kubernetes quantity for the typed constructs. */
export function q(value: string): k8s.Quantity {
  return k8s.Quantity.fromString(value);
}

/** A port by number or name. */
export function port(value: number | string): k8s.IntOrString {
  return typeof value === "number" ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/** Requests and limits as the typed constructs take them. */
export function resourceRequirements(r: ContainerResources): k8s.ResourceRequirements {
  const side = (s: ResourceQuantities) => ({
    cpu: q(s.cpu),
    memory: q(s.memory),
    "ephemeral-storage": q(s.ephemeralStorage),
  });
  return { requests: side(r.requests), limits: side(r.limits) };
}

/** UID/GID the stack runs its own processes as when an image does not need a specific one. */
export const DEFAULT_UID = 10001;

/**
 * The Pod Security Standard "restricted" container context: no privilege escalation, every capability
 * dropped, RuntimeDefault seccomp, read-only root filesystem, non-root.
 */
export function restrictedContainer(uid: number = DEFAULT_UID, gid: number = uid): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The pod-level counterpart of {@link restrictedContainer}; fsGroup makes volumes writable for `gid`. */
export function restrictedPod(uid: number = DEFAULT_UID, gid: number = uid): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Spread replicas over zones and nodes. ScheduleAnyway keeps a one-node dev cluster schedulable; the
 * scheduler still prefers spreading.
 */
export function spreadConstraints(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: selector },
  }));
}

/**
 * Prefer one replica per node (kube-score and kube-linter look for a host podAntiAffinity on
 * replicated workloads; the spread constraints above do the zone part).
 */
export function preferOnePerNode(selector: Record<string, string>): k8s.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: "kubernetes.io/hostname",
            labelSelector: { matchLabels: selector },
          },
        },
      ],
    },
  };
}

/** An emptyDir volume and its (writable) mount. */
export interface Scratch {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
}

/**
 * An emptyDir volume and its mount for a path a read-only root filesystem must still write, bounded
 * by `sizeLimit` (an emptyDir counts against the pod's ephemeral storage). Defaults to 256Mi.
 */
export function scratch(name: string, mountPath: string, sizeLimit = "256Mi"): Scratch {
  return {
    volume: { name, emptyDir: { sizeLimit: q(sizeLimit) } },
    mount: { name, mountPath },
  };
}

/** When and how often a probe runs, and how many failures count. */
export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  /** Seconds one check may take. Defaults to 3. */
  readonly timeoutSeconds?: number;
  /** Seconds after start before the first check. Defaults to none (the kubelet's 0). */
  readonly initialDelaySeconds?: number;
}

function timing(t: ProbeTiming): Partial<k8s.Probe> {
  return {
    periodSeconds: t.periodSeconds,
    timeoutSeconds: t.timeoutSeconds ?? 3,
    failureThreshold: t.failureThreshold,
    ...(t.initialDelaySeconds !== undefined ? { initialDelaySeconds: t.initialDelaySeconds } : {}),
  };
}

/** An HTTP GET probe of `path` on port `p` (number or name). */
export function httpProbe(path: string, p: number | string, t: ProbeTiming): k8s.Probe {
  return { httpGet: { path, port: port(p) }, ...timing(t) };
}

/** A TCP connect probe of port `p` (number or name). */
export function tcpProbe(p: number | string, t: ProbeTiming): k8s.Probe {
  return { tcpSocket: { port: port(p) }, ...timing(t) };
}

/** A fresh chart for one component's objects; objects carry no namespace (registerObjects' patch adds it). */
/**
 * A checksum annotation value (`checksum/config`) over what a pod reads from ConfigMaps and Secrets:
 * Kubernetes restarts pods only when their template changes, not when a mounted or referenced object
 * does, so the hash in the template is what rolls them.
 */
export function checksum(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}

export function newChart(id: string): Chart {
  return new Chart(new App(), id, { disableResourceNameHashes: true });
}

/** Small fixed resources for sidecars and exporters. */
export const EXPORTER_RESOURCES: ContainerResources = {
  requests: { cpu: "50m", memory: "64Mi", ephemeralStorage: "32Mi" },
  limits: { cpu: "200m", memory: "128Mi", ephemeralStorage: "64Mi" },
};

/**
 * A ServiceAccount of the workload's own, without a token: the identity a service mesh's policies name
 * (a pod on the namespace's `default` account would share it with every other such pod). A pod that
 * calls the API server mounts its token explicitly.
 */
export function addServiceAccount(
  chart: Chart,
  name: string,
  labels: Record<string, string>,
  namespace?: string,
): void {
  new k8s.KubeServiceAccount(chart, `${name}-sa`, {
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
    automountServiceAccountToken: false,
  });
}
