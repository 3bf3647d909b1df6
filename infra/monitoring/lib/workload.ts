import { PART_OF } from "@mcp-stack/contract";
import type { Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";

import {
  addServiceAccount,
  type ContainerResources,
  httpProbe,
  imageTag,
  newChart,
  port,
  q,
  recommendedLabels,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  type Scratch,
  scratch,
  tcpProbe,
} from "../../k8s/lib/kube-parts.js";

// The restricted security context, labels, quantities, probes and scratch volumes are the app tier's
// (infra/k8s/lib/kube-parts.ts): one definition of "secure by default" for every pod the stack owns.
export {
  httpProbe,
  imageTag,
  newChart,
  PART_OF,
  port,
  q,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  scratch,
  tcpProbe,
};

/**
 * Building material of the monitoring workloads: labels, the restricted security context, probes,
 * one Deployment + Service (+ PVC) per workload. Objects are built with cdk8s-plus-28's typed L1
 * constructs, so names and selectors stay exactly as written.
 */

/**
 * The six recommended `app.kubernetes.io/*` labels (plus the `app` selector label) of a monitoring
 * workload; every object of the workload carries them. `app.kubernetes.io/name` is what
 * NetworkPolicies select on.
 */
export function monitoringLabels(name: string, version: string, instance: string): Record<string, string> {
  return recommendedLabels({ name, version, instance, component: "monitoring", partOf: PART_OF });
}

/** The labels of a workload `name` running `image` in environment `envName` (instance `<name>-<env>`). */
export function workloadLabels(name: string, image: string, envName: string): Record<string, string> {
  return monitoringLabels(name, imageTag(image), instanceName(name, envName));
}

/** app.kubernetes.io/instance: `<name>-<env>`, as the app tier's `mcp-backend-<env>`. */
export function instanceName(name: string, envName: string): string {
  return `${name}-${envName}`;
}

export { checksum } from "../../k8s/lib/kube-parts.js";

/** A volume mounted at `mountPath`, read-only by default. */
export interface ConfigVolume {
  readonly volume: k8s.Volume;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

export interface WorkloadSpec {
  readonly name: string;
  /** app.kubernetes.io/instance (see instanceName). */
  readonly instance: string;
  readonly namespace: string;
  readonly image: string;
  /** The user (and group, and fsGroup) pods run as; ≥ 10000 unless a listed exception. */
  readonly uid: number;
  readonly args?: string[];
  readonly env?: k8s.EnvVar[];
  readonly ports: readonly { name: string; port: number; protocol?: "TCP" | "UDP" }[];
  readonly resources: ContainerResources;
  readonly livenessProbe: k8s.Probe;
  readonly readinessProbe: k8s.Probe;
  /** ConfigMap/Secret volumes (read-only unless readOnly is false) and scratch() dirs (writable). */
  readonly volumes: readonly (ConfigVolume | Scratch)[];
  /** A PVC mounted at `mountPath`, sized `size`. Defaults to none. */
  readonly pvc?: { size: string; mountPath: string; storageClass?: string };
  /**
   * Mount the service account token. Defaults to false: only a pod that calls the API server needs it,
   * and a listed exception of the security test must say why.
   */
  readonly mountApiToken?: boolean;
  /** Pod annotations (config checksums). */
  readonly annotations?: Record<string, string>;
  /** More pod-template labels (never selectors), e.g. a service mesh's opt-out. */
  readonly podLabels?: Record<string, string>;
}

/**
 * ServiceAccount (its mesh identity, no token), Deployment (one replica; Recreate when a RWO volume is
 * attached), Service, PodDisruptionBudget and optional PVC, all with the recommended labels.
 */
export function addWorkload(chart: Chart, s: WorkloadSpec): void {
  const labels = monitoringLabels(s.name, imageTag(s.image), s.instance);
  const meta = { name: s.name, namespace: s.namespace, labels };
  const volumes = s.volumes.map((v) => v.volume);
  const mounts: k8s.VolumeMount[] = s.volumes.map((v) =>
    "mount" in v
      ? { name: v.volume.name, mountPath: v.mount.mountPath, readOnly: false }
      : { name: v.volume.name, mountPath: v.mountPath, readOnly: v.readOnly ?? true },
  );
  if (s.pvc) {
    new k8s.KubePersistentVolumeClaim(chart, `${s.name}-pvc`, {
      metadata: { ...meta, name: `${s.name}-data` },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: q(s.pvc.size) } },
        ...(s.pvc.storageClass ? { storageClassName: s.pvc.storageClass } : {}),
      },
    });
    volumes.push({ name: "data", persistentVolumeClaim: { claimName: `${s.name}-data` } });
    mounts.push({ name: "data", mountPath: s.pvc.mountPath });
  }
  addServiceAccount(chart, s.name, labels, s.namespace);
  new k8s.KubeDeployment(chart, `${s.name}-deployment`, {
    metadata: meta,
    spec: {
      replicas: 1,
      // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
      strategy: s.pvc ? { type: "Recreate" } : { type: "RollingUpdate" },
      selector: { matchLabels: { app: s.name } },
      template: {
        metadata: {
          labels: { ...s.podLabels, ...labels },
          ...(s.annotations ? { annotations: s.annotations } : {}),
        },
        spec: {
          serviceAccountName: s.name,
          automountServiceAccountToken: s.mountApiToken ?? false,
          securityContext: restrictedPod(s.uid),
          containers: [workloadContainer(s, mounts)],
          volumes,
        },
      },
    },
  });
  // One replica: maxUnavailable 1 lets a node drain evict it (minAvailable 1 would block every drain);
  // the budget still stops a voluntary disruption from taking a second pod if replicas are ever added.
  new k8s.KubePodDisruptionBudget(chart, `${s.name}-pdb`, {
    metadata: meta,
    spec: { maxUnavailable: port(1), selector: { matchLabels: { app: s.name } } },
  });
  new k8s.KubeService(chart, `${s.name}-service`, {
    metadata: meta,
    spec: {
      type: "ClusterIP",
      selector: { app: s.name },
      ports: s.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: port(p.name),
        protocol: p.protocol ?? "TCP",
      })),
    },
  });
}

/** The workload's one container: restricted, its ports, probes and mounts. */
function workloadContainer(s: WorkloadSpec, mounts: k8s.VolumeMount[]): k8s.Container {
  return {
    name: s.name,
    image: s.image,
    // As the app tier (kube-score, Polaris, Checkov): a tag can be re-pushed, so the kubelet
    // checks the registry on every pod start (a cached layer is still reused).
    imagePullPolicy: "Always",
    ...(s.args ? { args: s.args } : {}),
    ...(s.env ? { env: s.env } : {}),
    ports: s.ports.map((p) => ({
      name: p.name,
      containerPort: p.port,
      protocol: p.protocol ?? "TCP",
    })),
    resources: resourceRequirements(s.resources),
    securityContext: restrictedContainer(s.uid),
    livenessProbe: s.livenessProbe,
    readinessProbe: s.readinessProbe,
    volumeMounts: mounts,
  };
}
