import * as pulumi from "@pulumi/pulumi";
import type { Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import {
  imageTag,
  newChart,
  PART_OF,
  port,
  q,
  recommendedLabels,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  scratch,
  selectorLabels,
} from "./kube.js";
import { type KubeObject, synth } from "./manifests.js";
import {
  initScripts,
  type PgvectorPostgresArgs,
  POSTGRES_PORT,
  POSTGRES_UID,
  postgresqlConf,
  validatePostgresArgs,
} from "./postgres-args.js";
import { postgresExporter } from "./postgres-exporter.js";
import { assertValid, registerNamespaced } from "./register.js";

export * from "./postgres-args.js";

const DATA_DIR = "/var/lib/postgresql/data";
// A subdirectory, so initdb never meets the volume's lost+found.
const PGDATA = `${DATA_DIR}/pgdata`;

type Role = "primary" | "replica";

function postgresContainer(args: PgvectorPostgresArgs, role: Role): k8s.Container {
  const pw: k8s.EnvVarSource = {
    secretKeyRef: { name: args.passwordSecret.secretName, key: args.passwordSecret.key },
  };
  const wal = role === "primary" ? args.walArchive : undefined;
  return {
    name: "postgres",
    image: args.image,
    imagePullPolicy: "Always",
    args: ["-c", "config_file=/etc/postgresql/postgresql.conf"],
    env: [
      { name: "PGDATA", value: PGDATA },
      { name: "POSTGRES_USER", value: args.user },
      { name: "POSTGRES_DB", value: args.database },
      { name: "POSTGRES_PASSWORD", valueFrom: pw },
    ],
    ports: [{ containerPort: POSTGRES_PORT, name: "postgres" }],
    resources: resourceRequirements({
      // Memory request = limit: shared_buffers and effective_cache_size are computed from it.
      requests: { cpu: args.cpu, memory: args.memory, ephemeralStorage: "256Mi" },
      limits: { cpu: args.cpu, memory: args.memory, ephemeralStorage: "1Gi" },
    }),
    // Crash recovery or a long replay can take minutes; the startup probe holds liveness off until then.
    startupProbe: { tcpSocket: { port: port(POSTGRES_PORT) }, periodSeconds: 10, failureThreshold: 60 },
    livenessProbe: {
      tcpSocket: { port: port(POSTGRES_PORT) },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    },
    readinessProbe: {
      exec: { command: ["pg_isready", "-h", "127.0.0.1", "-U", args.user, "-d", args.database] },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    // Exception (restricted profile still met): runs as the image's postgres user 999, not ≥ 10000.
    securityContext: restrictedContainer(POSTGRES_UID),
    volumeMounts: [
      { name: "data", mountPath: DATA_DIR },
      { name: "config", mountPath: "/etc/postgresql", readOnly: true },
      ...(role === "primary"
        ? [{ name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true }]
        : []),
      { name: "run", mountPath: "/var/run/postgresql" },
      { name: "tmp", mountPath: "/tmp" },
      { name: "shm", mountPath: "/dev/shm" },
      ...(wal ? [{ name: "wal-archive", mountPath: wal.mountPath ?? "/backups" }] : []),
    ],
  };
}

function basebackupInit(args: PgvectorPostgresArgs, primaryHost: string): k8s.Container {
  return {
    name: "basebackup",
    image: args.image,
    imagePullPolicy: "Always",
    command: ["/bin/bash", "-c"],
    args: [
      [
        "set -euo pipefail",
        // Only an empty volume is initialised; a restarted replica resumes streaming from its own data.
        'if [ ! -s "$PGDATA/PG_VERSION" ]; then',
        '  rm -rf "$PGDATA"',
        `  pg_basebackup -h ${primaryHost} -p ${POSTGRES_PORT} -U "$PGUSER" -D "$PGDATA" -R -X stream -c fast --no-password`,
        '  chmod 700 "$PGDATA"',
        "fi",
      ].join("\n"),
    ],
    env: [
      { name: "PGDATA", value: PGDATA },
      { name: "PGUSER", value: args.user },
      {
        name: "PGPASSWORD",
        valueFrom: { secretKeyRef: { name: args.passwordSecret.secretName, key: args.passwordSecret.key } },
      },
    ],
    resources: resourceRequirements({
      requests: { cpu: "100m", memory: "128Mi", ephemeralStorage: "64Mi" },
      limits: { cpu: args.cpu, memory: "512Mi", ephemeralStorage: "256Mi" },
    }),
    // Exception: the image's postgres user (see postgresContainer).
    securityContext: restrictedContainer(POSTGRES_UID),
    volumeMounts: [
      { name: "data", mountPath: DATA_DIR },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

function statefulSet(chart: Chart, args: PgvectorPostgresArgs, role: Role): void {
  const base = args.name ?? "postgres";
  const name = role === "primary" ? base : `${base}-replica`;
  const labels = recommendedLabels({
    name,
    component: role === "primary" ? "database" : "database-replica",
    version: imageTag(args.image),
    instance: args.instance ?? base,
    partOf: PART_OF,
  });
  const selector = selectorLabels(name);
  const wal = role === "primary" ? args.walArchive : undefined;
  const extraVolumes: k8s.Volume[] = wal
    ? [{ name: "wal-archive", persistentVolumeClaim: { claimName: wal.claimName } }]
    : [];
  new k8s.KubeStatefulSet(chart, `${role}-sts`, {
    metadata: { name, labels },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: selector },
      // The data volume outlives the StatefulSet, whatever removes it.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // Exception: the image's postgres user 999 (see POSTGRES_UID); fsGroup 999 owns the volumes.
          securityContext: restrictedPod(POSTGRES_UID),
          terminationGracePeriodSeconds: 60,
          affinity:
            role === "replica"
              ? {
                  // Keep the replica off the primary's node, so one node failure does not take both.
                  podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                      {
                        weight: 100,
                        podAffinityTerm: {
                          topologyKey: "kubernetes.io/hostname",
                          labelSelector: { matchLabels: selectorLabels(base) },
                        },
                      },
                    ],
                  },
                }
              : undefined,
          initContainers: role === "replica" ? [basebackupInit(args, base)] : undefined,
          containers: [postgresContainer(args, role)],
          volumes: [
            {
              name: "config",
              configMap: {
                name: `${base}-config`,
                items: [
                  { key: role === "primary" ? "postgresql.conf" : "replica.conf", path: "postgresql.conf" },
                ],
              },
            },
            ...(role === "primary" ? [{ name: "init", configMap: { name: `${base}-init` } }] : []),
            scratch("run", "/var/run/postgresql", "16Mi").volume,
            scratch("tmp", "/tmp", "256Mi").volume,
            { name: "shm", emptyDir: { medium: "Memory", sizeLimit: q(args.shmSize ?? "256Mi") } },
            ...extraVolumes,
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: args.storageClass,
            resources: { requests: { storage: q(args.storage) } },
          },
        },
      ],
    },
  });
  new k8s.KubeService(chart, `${role}-svc`, {
    metadata: { name, labels },
    spec: {
      // The primary's Service is headless (the StatefulSet's governing Service, DNS straight to the pod).
      clusterIp: role === "primary" ? "None" : undefined,
      selector,
      ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: port("postgres") }],
    },
  });
  new k8s.KubePodDisruptionBudget(chart, `${role}-pdb`, {
    metadata: { name, labels },
    spec: { maxUnavailable: port(1), selector: { matchLabels: selector } },
  });
}

/** The Postgres objects: config and init ConfigMaps, primary (+ replica) StatefulSets and Services, exporter. */
export function postgresObjects(args: PgvectorPostgresArgs): KubeObject[] {
  assertValid("PgvectorPostgres", validatePostgresArgs(args));
  const base = args.name ?? "postgres";
  const chart = newChart(base);
  const labels = recommendedLabels({
    name: base,
    component: "database",
    version: imageTag(args.image),
    instance: args.instance ?? base,
    partOf: PART_OF,
  });
  new k8s.KubeConfigMap(chart, "conf", {
    metadata: { name: `${base}-config`, labels },
    data: {
      "postgresql.conf": postgresqlConf(args, "primary"),
      "replica.conf": postgresqlConf(args, "replica"),
    },
  });
  new k8s.KubeConfigMap(chart, "init", { metadata: { name: `${base}-init`, labels }, data: initScripts() });
  statefulSet(chart, args, "primary");
  if (args.readReplica) statefulSet(chart, args, "replica");
  postgresExporter(chart, args);
  return synth(chart);
}

/**
 * Postgres with pgvector as a StatefulSet: tuned postgresql.conf, `CREATE EXTENSION vector` on first
 * start, optional WAL archiving, postgres_exporter, and optionally a streaming read replica.
 */
export class PgvectorPostgres extends pulumi.ComponentResource {
  /** Headless Service of the primary. */
  public readonly serviceName: string;
  /** Service of the replica, when there is one. */
  public readonly replicaServiceName: string | undefined;
  public readonly exporterServiceName: string;
  public readonly port = POSTGRES_PORT;
  public readonly selector: Record<string, string>;
  public readonly replicaSelector: Record<string, string> | undefined;
  public readonly exporterSelector: Record<string, string>;

  constructor(name: string, args: PgvectorPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:PgvectorPostgres", name, {}, opts);
    const objects = postgresObjects(args);
    const base = args.name ?? "postgres";
    this.serviceName = base;
    this.replicaServiceName = args.readReplica ? `${base}-replica` : undefined;
    this.exporterServiceName = `${base}-exporter`;
    this.selector = selectorLabels(base);
    this.replicaSelector = args.readReplica ? selectorLabels(`${base}-replica`) : undefined;
    this.exporterSelector = selectorLabels(this.exporterServiceName);
    registerNamespaced(objects, args.namespace, this);
    this.registerOutputs({
      serviceName: this.serviceName,
      replicaServiceName: this.replicaServiceName,
      exporterServiceName: this.exporterServiceName,
    });
  }
}
