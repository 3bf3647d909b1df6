import { APP_DIRS, METRICS_PORT_NAME, PART_OF } from "@mcp-stack/contract";
import { k8s } from "cdk8s-plus-28";
import {
  checksum,
  httpProbe,
  labelValue,
  newChart,
  port,
  preferOnePerNode,
  recommendedLabels,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  scratch,
  selectorLabels,
  spreadConstraints,
} from "../lib/kube-parts.js";
import { type KubeObject, synth } from "../lib/manifests.js";
import { assertValid } from "../lib/register.js";
import {
  type Autoscaling,
  MCP_BACKEND_DEFAULTS as D,
  LOG_VOLUME_MIB,
  type McpBackendArgs,
  minimumReplicas,
  validateMcpBackendArgs,
} from "./args.js";

/** Stand-in for the image until registerObjects' patch puts the real (Output) reference in. */
const IMAGE_PLACEHOLDER = "image-set-by-patch:0";

function volumeName(path: string): string {
  return (
    path
      .replace(/^\/+/, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/-+$/, "") || "root"
  );
}

/**
 * The objects of the app workload: ConfigMap, ServiceAccount, Deployment, Service, PDB and, with
 * autoscaling, an HPA. Pure: no Pulumi, so tests can synthesise it directly.
 */
export function mcpBackendObjects(args: McpBackendArgs): KubeObject[] {
  assertValid("McpBackend", validateMcpBackendArgs(args));
  const name = args.name ?? D.name;
  const containerPort = args.containerPort ?? D.containerPort;
  const labels = recommendedLabels({
    name,
    component: "api",
    version: args.version,
    instance: args.instance ?? name,
    partOf: PART_OF,
  });
  const selector = selectorLabels(name);
  const chart = newChart(name);
  const config = args.config ?? {};
  const configName = `${name}-config`;

  new k8s.KubeConfigMap(chart, "config", { metadata: { name: configName, labels }, data: { ...config } });
  new k8s.KubeServiceAccount(chart, "sa", {
    metadata: { name, labels },
    automountServiceAccountToken: false,
  });

  addDeployment(chart, args, {
    name,
    labels,
    selector,
    configName,
    configHash: checksum(JSON.stringify(config)),
  });

  new k8s.KubeService(chart, "service", {
    metadata: { name, labels },
    spec: {
      type: args.serviceType ?? D.serviceType,
      selector,
      ports: [{ name: "http", port: args.servicePort ?? D.servicePort, targetPort: port(containerPort) }],
    },
  });

  if (args.autoscaling) addAutoscaler(chart, name, labels, args.autoscaling);

  new k8s.KubePodDisruptionBudget(chart, "pdb", {
    metadata: { name, labels },
    spec: {
      minAvailable: port(args.pdbMinAvailable ?? Math.max(0, minimumReplicas(args) - 1)),
      selector: { matchLabels: selector },
    },
  });
  return synth(chart);
}

/** The app's Deployment: rolling updates, Prometheus annotations, the restricted pod spread over nodes. */
function addDeployment(
  chart: ReturnType<typeof newChart>,
  args: McpBackendArgs,
  w: {
    name: string;
    labels: Record<string, string>;
    selector: Record<string, string>;
    configName: string;
    /** The ConfigMap's hash. */
    configHash: string;
  },
): void {
  const { name, labels, selector, configName } = w;
  const scratchDirs = (args.writablePaths ?? D.writablePaths).map((p) =>
    p === APP_DIRS.logs ? scratch(volumeName(p), p, `${LOG_VOLUME_MIB}Mi`) : scratch(volumeName(p), p),
  );
  const uid = args.runAsUser ?? D.runAsUser;

  new k8s.KubeDeployment(chart, "deployment", {
    metadata: { name, labels },
    spec: {
      // An HPA owns the count when present; a fixed `replicas` would fight it on every `pulumi up`.
      replicas: args.autoscaling ? undefined : (args.replicas ?? D.replicas),
      revisionHistoryLimit: 5,
      strategy: {
        type: "RollingUpdate",
        rollingUpdate: {
          maxSurge: port(args.maxSurge ?? D.maxSurge),
          maxUnavailable: port(args.maxUnavailable ?? D.maxUnavailable),
        },
      },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...labels, version: labelValue(`v${args.version}`) },
          annotations: {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(args.metricsPort ?? D.metricsPort),
            "prometheus.io/path": args.metricsPath ?? D.metricsPath,
            // Pods restart when the settings change: the ConfigMap's hash is part of the pod template.
            "checksum/config": w.configHash,
          },
        },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds:
            args.terminationGracePeriodSeconds ?? D.terminationGracePeriodSeconds,
          securityContext: restrictedPod(uid),
          topologySpreadConstraints: spreadConstraints(selector),
          affinity: preferOnePerNode(selector),
          containers: [appContainer(args, name, configName, scratchDirs, uid)],
          volumes: [...scratchDirs.map((s) => s.volume), ...secretFileMounts(args).volumes],
        },
      },
    },
  });
}

/** The app container: ports, settings from the ConfigMap and secrets by key, probes, a drain on stop. */
function appContainer(
  args: McpBackendArgs,
  name: string,
  configName: string,
  scratchDirs: ReturnType<typeof scratch>[],
  uid: number,
): k8s.Container {
  const containerPort = args.containerPort ?? D.containerPort;
  const metricsPort = args.metricsPort ?? D.metricsPort;
  const files = secretFileMounts(args);
  const env: k8s.EnvVar[] = [
    ...Object.entries(args.secretEnv ?? {}).map(([envName, ref]) => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
    })),
    ...files.env,
  ].sort((a, b) => a.name.localeCompare(b.name));
  const preStop = args.preStopSleepSeconds ?? D.preStopSleepSeconds;
  return {
    name,
    image: typeof args.image === "string" ? args.image : IMAGE_PLACEHOLDER,
    imagePullPolicy: args.imagePullPolicy ?? D.imagePullPolicy,
    ports: [
      { containerPort, name: "http", protocol: "TCP" },
      { containerPort: metricsPort, name: METRICS_PORT_NAME, protocol: "TCP" },
    ],
    envFrom: [{ configMapRef: { name: configName } }],
    env,
    resources: resourceRequirements(args.resources),
    livenessProbe: httpProbe(args.livenessProbe.path, containerPort, args.livenessProbe),
    readinessProbe: httpProbe(args.readinessProbe.path, containerPort, args.readinessProbe),
    lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", `sleep ${preStop}`] } } },
    securityContext: restrictedContainer(uid),
    volumeMounts: [...scratchDirs.map((s) => s.mount), ...files.mounts],
  };
}

/** Where `secretFiles` are mounted: one directory per Secret, each key a file named as the key. */
export const SECRET_FILES_DIR = "/var/run/secrets/mcp-backend";

/**
 * `secretFiles` as Secret volumes (whole directories, not subPath: a subPath mount never sees an
 * update), their mounts, and the env vars naming each file.
 */
function secretFileMounts(args: McpBackendArgs): {
  volumes: k8s.Volume[];
  mounts: k8s.VolumeMount[];
  env: k8s.EnvVar[];
} {
  const entries = Object.entries(args.secretFiles ?? {});
  const bySecret = new Map<string, Set<string>>();
  for (const [, ref] of entries)
    bySecret.set(ref.secretName, (bySecret.get(ref.secretName) ?? new Set()).add(ref.key));
  const secrets = [...bySecret.keys()].sort();
  const volumeOf = (secret: string) => `secret-${secret}`;
  return {
    volumes: secrets.map((secret) => ({
      name: volumeOf(secret),
      secret: {
        secretName: secret,
        items: [...bySecret.get(secret)!].sort().map((key) => ({ key, path: key })),
        // Read by the app's user only (fsGroup owns the volume).
        defaultMode: 0o440,
      },
    })),
    mounts: secrets.map((secret) => ({
      name: volumeOf(secret),
      mountPath: `${SECRET_FILES_DIR}/${secret}`,
      readOnly: true,
    })),
    env: entries.map(([envName, ref]) => ({
      name: envName,
      value: `${SECRET_FILES_DIR}/${ref.secretName}/${ref.key}`,
    })),
  };
}

/** The HPA that owns the Deployment's replica count. */
function addAutoscaler(
  chart: ReturnType<typeof newChart>,
  name: string,
  labels: Record<string, string>,
  a: Autoscaling,
): void {
  new k8s.KubeHorizontalPodAutoscalerV2(chart, "hpa", {
    metadata: { name: `${name}-hpa`, labels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: (
        [
          ["cpu", a.cpuUtilization ?? D.cpuUtilization],
          ["memory", a.memoryUtilization ?? D.memoryUtilization],
        ] as const
      ).map(([resource, averageUtilization]) => ({
        type: "Resource",
        resource: { name: resource, target: { type: "Utilization", averageUtilization } },
      })),
      behavior: a.behavior
        ? {
            scaleUp: { ...a.behavior.scaleUp, policies: [...a.behavior.scaleUp.policies] },
            scaleDown: { ...a.behavior.scaleDown, policies: [...a.behavior.scaleDown.policies] },
          }
        : undefined,
    },
  });
}
