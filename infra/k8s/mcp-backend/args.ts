import { APP_DIRS, APP_PORT, ENV, HTTP_PATHS, METRICS_PORT, SERVICE_NAME } from "@mcp-stack/contract";
import type * as pulumi from "@pulumi/pulumi";
import { type ContainerResources, isPinnedImage, type SecretKeyRef } from "../lib/kube-parts.js";
import { positiveInt } from "../lib/register.js";

/** An HTTP probe of the app (path and the four timings). */
export interface HttpProbe {
  /** HTTP path probed on the container port, e.g. "/health/live". */
  readonly path: string;
  /** Seconds after the container starts before the first probe. */
  readonly initialDelaySeconds: number;
  /** Seconds between probes. */
  readonly periodSeconds: number;
  /** Seconds a probe may take. */
  readonly timeoutSeconds: number;
  /** Failed probes in a row before the probe counts as failed. */
  readonly failureThreshold: number;
}

/** What an HPA scaling policy's value counts: a percentage of the current replicas, or pods. */
export const ScalingPolicyType = { Percent: "Percent", Pods: "Pods" } as const;
export type ScalingPolicyType = (typeof ScalingPolicyType)[keyof typeof ScalingPolicyType];

/** One HPA scaling policy (autoscaling/v2 HPAScalingPolicy). */
export interface ScalingPolicy {
  /** What `value` counts. */
  readonly type: ScalingPolicyType;
  /** Pods, or percent of the current replicas, that may change per period. */
  readonly value: number;
  /** Length of the period, in seconds. */
  readonly periodSeconds: number;
}

/** One HPA scaling direction (autoscaling/v2 HPAScalingRules). */
export interface ScalingRules {
  /** Seconds of past recommendations considered, so replicas do not flap. */
  readonly stabilizationWindowSeconds: number;
  /** The allowed changes per period. */
  readonly policies: ScalingPolicy[];
}

/** Scale-up and scale-down rules of an HPA (autoscaling/v2 HorizontalPodAutoscalerBehavior). */
export interface ScalingBehavior {
  /** Rules when adding replicas. */
  readonly scaleUp: ScalingRules;
  /** Rules when removing replicas. */
  readonly scaleDown: ScalingRules;
}

/** Type of the app's Service. */
export const ServiceType = {
  ClusterIP: "ClusterIP",
  LoadBalancer: "LoadBalancer",
  NodePort: "NodePort",
} as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/** imagePullPolicy of a container. */
export const ImagePullPolicy = { Always: "Always", IfNotPresent: "IfNotPresent", Never: "Never" } as const;
export type ImagePullPolicy = (typeof ImagePullPolicy)[keyof typeof ImagePullPolicy];

/** A HorizontalPodAutoscaler that owns the Deployment's replica count. */
export interface Autoscaling {
  /** Fewest replicas, at least 1. */
  readonly minReplicas: number;
  /** Most replicas, at least minReplicas. */
  readonly maxReplicas: number;
  /** Target average CPU utilisation (% of requests). Defaults to 70. */
  readonly cpuUtilization?: number;
  /** Target average memory utilisation (% of requests). Defaults to 80. */
  readonly memoryUtilization?: number;
  /** Scale-up / scale-down behaviour. Defaults to the Kubernetes defaults. */
  readonly behavior?: ScalingBehavior;
}

export interface McpBackendArgs {
  /** Namespace of every object. */
  readonly namespace: pulumi.Input<string>;
  /** The app image (a registry reference, ideally a digest). Put into the Deployment via a patch. */
  readonly image: pulumi.Input<string>;
  /** App version: the `version` label (as `v<version>`) and app.kubernetes.io/version. */
  readonly version: string;
  /** Name of the Deployment, Service, ConfigMap, ServiceAccount and PDB. Defaults to "mcp-backend". */
  readonly name?: string;
  /** app.kubernetes.io/instance. Defaults to the name. */
  readonly instance?: string;
  /** Container port. Defaults to 8000. */
  readonly containerPort?: number;
  /** Replicas when no HPA is given. Defaults to 1. Ignored (left unset) when `autoscaling` is set. */
  readonly replicas?: number;
  /** An HPA owning the replica count. Defaults to none. */
  readonly autoscaling?: Autoscaling;
  /** RollingUpdate surge. Defaults to 1. */
  readonly maxSurge?: number;
  /** RollingUpdate unavailability. Defaults to 0. maxSurge and maxUnavailable must not both be 0. */
  readonly maxUnavailable?: number;
  /** Requests and limits of the app container (CPU, memory, ephemeral storage). */
  readonly resources: ContainerResources;
  /** Liveness probe: process only, never the database. */
  readonly livenessProbe: HttpProbe;
  /** Readiness probe: dependencies reachable. Must differ from the liveness probe. */
  readonly readinessProbe: HttpProbe;
  /** Seconds the preStop hook sleeps so endpoints drain before SIGTERM. Defaults to 10. */
  readonly preStopSleepSeconds?: number;
  /** Pod termination grace. Defaults to 45; must exceed preStopSleepSeconds. */
  readonly terminationGracePeriodSeconds?: number;
  /** Service type. Defaults to "ClusterIP". */
  readonly serviceType?: ServiceType;
  /** Service port (→ the container's `http` port). Defaults to 80. */
  readonly servicePort?: number;
  /**
   * PodDisruptionBudget minAvailable. Defaults to the minimum replica count − 1 (at least 0). Must be
   * lower than the minimum replica count so a node drain can always evict a pod.
   */
  readonly pdbMinAvailable?: number;
  /** Non-secret settings, delivered through the ConfigMap (envFrom). Defaults to none. */
  readonly config?: Readonly<Record<string, string>>;
  /** Secret settings: env name → Secret key. Defaults to none. Names must not repeat `config` keys. */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Secret settings delivered as files: env name → Secret key, mounted read-only from a Secret volume
   * (which the kubelet updates in place when the Secret changes), the env var holding the file's path.
   * For values the app re-reads while running (DATABASE_URL_FILE: a rotated password). Defaults to none.
   */
  readonly secretFiles?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * A value that changes whenever a Secret in `secretEnv` does (e.g. {@link AppSecrets.version}); its
   * hash is the pod template's `checksum/secrets`, so the pods restart and read the new values.
   * Defaults to none: the pods then keep old secret values until something else restarts them.
   */
  readonly secretVersion?: pulumi.Input<string>;
  /**
   * More pod-template annotations, e.g. Reloader's when External Secrets writes the Secrets (there is
   * then no Pulumi-side version to hash). Defaults to none.
   */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * Writable paths on the read-only root filesystem, each an emptyDir.
   * Defaults to /tmp, /var/log/mcp-backend and /var/lib/mcp-backend.
   */
  readonly writablePaths?: string[];
  /** UID and GID of the app process (the image's user). Defaults to 10001. */
  readonly runAsUser?: number;
  /**
   * imagePullPolicy of the app container. Defaults to "Always" (what kube-score, Polaris and Checkov
   * expect); "IfNotPresent" suits an image side-loaded into a local cluster (kind, minikube).
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Metrics path for the prometheus.io annotations. Defaults to "/metrics". */
  readonly metricsPath?: string;
  /**
   * Container port `/metrics` is served on (the app's METRICS_PORT): the prometheus.io annotations point
   * at it and the Service does not expose it, so a LoadBalancer never puts metrics on the internet.
   * Defaults to 9464. Must differ from `containerPort`; a METRICS_PORT in `config` must equal it.
   */
  readonly metricsPort?: number;
}

/** sizeLimit of the log directory's emptyDir (MiB). */
export const LOG_VOLUME_MIB = 256;

/**
 * LOG_FILE_MAX_BYTES for a file in that directory: the file and its one rotated predecessor take at
 * most 80 % of the volume, so a rotation never meets the limit (the kubelet evicts a pod whose emptyDir
 * exceeds its sizeLimit, and eviction ignores the PodDisruptionBudget).
 */
export const LOG_FILE_MAX_BYTES = Math.floor((LOG_VOLUME_MIB * 1024 * 1024 * 2) / 5);

/** Defaults of {@link McpBackendArgs}, in one place so docs and tests can pin them. */
export const MCP_BACKEND_DEFAULTS = {
  name: SERVICE_NAME,
  containerPort: APP_PORT,
  replicas: 1,
  maxSurge: 1,
  maxUnavailable: 0,
  cpuUtilization: 70,
  memoryUtilization: 80,
  preStopSleepSeconds: 10,
  terminationGracePeriodSeconds: 45,
  serviceType: "ClusterIP",
  servicePort: 80,
  writablePaths: ["/tmp", APP_DIRS.logs, APP_DIRS.data],
  runAsUser: 10001,
  metricsPath: HTTP_PATHS.metrics,
  metricsPort: METRICS_PORT,
  imagePullPolicy: "Always",
} as const;

/** The smallest replica count the Deployment can run at. */
export function minimumReplicas(args: McpBackendArgs): number {
  return args.autoscaling ? args.autoscaling.minReplicas : (args.replicas ?? MCP_BACKEND_DEFAULTS.replicas);
}

function sameProbe(a: HttpProbe, b: HttpProbe): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Invariants of {@link McpBackendArgs}; an empty list means valid. Called before anything is created. */
export function validateMcpBackendArgs(args: McpBackendArgs): string[] {
  const issues: string[] = [];
  if (typeof args.image === "string" && !isPinnedImage(args.image))
    issues.push(`image "${args.image}" must be pinned to a tag other than latest, or a digest`);
  if (args.replicas !== undefined) issues.push(...positiveInt("replicas", args.replicas));
  const a = args.autoscaling;
  if (a) {
    issues.push(...positiveInt("autoscaling.minReplicas", a.minReplicas));
    if (a.maxReplicas < a.minReplicas)
      issues.push(
        `autoscaling.maxReplicas ${a.maxReplicas} is below autoscaling.minReplicas ${a.minReplicas}`,
      );
  }
  const surge = args.maxSurge ?? MCP_BACKEND_DEFAULTS.maxSurge;
  const unavailable = args.maxUnavailable ?? MCP_BACKEND_DEFAULTS.maxUnavailable;
  if (surge === 0 && unavailable === 0)
    issues.push("maxSurge and maxUnavailable are both 0: a rollout could never progress");
  const minReplicas = minimumReplicas(args);
  if (args.pdbMinAvailable !== undefined && args.pdbMinAvailable > 0 && args.pdbMinAvailable >= minReplicas)
    issues.push(
      `pdbMinAvailable ${args.pdbMinAvailable} with a minimum of ${minReplicas} replicas blocks every eviction; use at most ${Math.max(0, minReplicas - 1)}`,
    );
  if (sameProbe(args.livenessProbe, args.readinessProbe))
    issues.push(
      "livenessProbe and readinessProbe are identical; liveness must not depend on readiness checks",
    );
  const preStop = args.preStopSleepSeconds ?? MCP_BACKEND_DEFAULTS.preStopSleepSeconds;
  const grace = args.terminationGracePeriodSeconds ?? MCP_BACKEND_DEFAULTS.terminationGracePeriodSeconds;
  if (grace <= preStop)
    issues.push(`terminationGracePeriodSeconds ${grace} must exceed preStopSleepSeconds ${preStop}`);
  const containerPort = args.containerPort ?? MCP_BACKEND_DEFAULTS.containerPort;
  const metricsPort = args.metricsPort ?? MCP_BACKEND_DEFAULTS.metricsPort;
  if (metricsPort === containerPort)
    issues.push(
      `metricsPort ${metricsPort} equals containerPort: metrics would be served behind the Service`,
    );
  const configured = args.config?.[ENV.METRICS_PORT];
  if (configured !== undefined && configured !== String(metricsPort))
    issues.push(
      `config ${ENV.METRICS_PORT}=${configured} differs from metricsPort ${metricsPort}: Prometheus would scrape a closed port`,
    );
  for (const key of Object.keys(args.secretEnv ?? {})) {
    if (args.config && key in args.config)
      issues.push(`secretEnv.${key} is also in config (ConfigMap); keep it in one of them`);
  }
  for (const key of Object.keys(args.secretFiles ?? {})) {
    if ((args.config && key in args.config) || (args.secretEnv && key in args.secretEnv))
      issues.push(`secretFiles.${key} is also in config or secretEnv; keep it in one of them`);
  }
  return issues;
}

// The names these types had before, kept for TypeScript programs that use them.
/** @deprecated Use Autoscaling: under this name, the SDKs of other languages called its input type `AutoscalingArgsArgs`. */
export type AutoscalingArgs = Autoscaling;
