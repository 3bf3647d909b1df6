import { PART_OF, POSTGRES_PORT } from "@mcp-stack/contract";
import type { Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import { dataClaimTemplate } from "../lib/data-claim.js";
import {
  addServiceAccount,
  checksum,
  imageTag,
  newChart,
  port,
  q,
  recommendedLabels,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  scratch,
  selectorLabels,
} from "../lib/kube-parts.js";
import { type KubeObject, synth } from "../lib/manifests.js";
import { assertValid } from "../lib/register.js";
import { type PgvectorPostgresArgs, POSTGRES_UID, validatePostgresArgs } from "./args.js";
import { postgresExporter } from "./exporter.js";
import { setPasswordScript } from "./password.js";

const DATA_DIR = "/var/lib/postgresql/data";
// A subdirectory, so initdb never meets the volume's lost+found.
const PGDATA = `${DATA_DIR}/pgdata`;
const SOCKET_DIR = "/var/run/postgresql";

function postgresContainer(args: PgvectorPostgresArgs): k8s.Container {
  const pw: k8s.EnvVarSource = {
    secretKeyRef: { name: args.passwordSecret.secretName, key: args.passwordSecret.key },
  };
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
    // The image sets POSTGRES_PASSWORD only at initdb; this makes the role follow the Secret on every start.
    lifecycle: {
      postStart: {
        exec: {
          command: ["/bin/bash", "-c", setPasswordScript({ socketDir: SOCKET_DIR, port: POSTGRES_PORT })],
        },
      },
    },
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
      { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
      { name: "run", mountPath: SOCKET_DIR },
      { name: "tmp", mountPath: "/tmp" },
      { name: "shm", mountPath: "/dev/shm" },
    ],
  };
}

function statefulSet(chart: Chart, args: PgvectorPostgresArgs, configHash: string): void {
  const name = args.name ?? "postgres";
  const identity = { name, component: "database", instance: args.instance ?? name, partOf: PART_OF };
  const labels = recommendedLabels({ ...identity, version: imageTag(args.image) });
  const selector = selectorLabels(name);
  addServiceAccount(chart, name, labels);
  new k8s.KubeStatefulSet(chart, "sts", {
    metadata: { name, labels },
    spec: {
      serviceName: name,
      // One server, no standby: read replicas are the CloudNativePG or external engine's job.
      replicas: 1,
      selector: { matchLabels: selector },
      // The data volume outlives the StatefulSet, whatever removes it.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        // Mounted ConfigMaps update in place, but Postgres reads postgresql.conf only at start: the hash rolls it.
        metadata: { labels, annotations: { "checksum/config": configHash } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // Exception: the image's postgres user 999 (see POSTGRES_UID); fsGroup 999 owns the volumes.
          securityContext: restrictedPod(POSTGRES_UID),
          terminationGracePeriodSeconds: 60,
          containers: [postgresContainer(args)],
          volumes: [
            { name: "config", configMap: { name: `${name}-config` } },
            { name: "init", configMap: { name: `${name}-init` } },
            scratch("run", SOCKET_DIR, "16Mi").volume,
            scratch("tmp", "/tmp", "256Mi").volume,
            { name: "shm", emptyDir: { medium: "Memory", sizeLimit: q(args.shmSize ?? "256Mi") } },
          ],
        },
      },
      volumeClaimTemplates: [dataClaimTemplate(identity, args.storage, args.storageClass)],
    },
  });
  new k8s.KubeService(chart, "svc", {
    metadata: { name, labels },
    spec: {
      // Headless: the StatefulSet's governing Service, DNS straight to the pod.
      clusterIp: "None",
      selector,
      ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: port("postgres") }],
    },
  });
  new k8s.KubePodDisruptionBudget(chart, "pdb", {
    metadata: { name, labels },
    spec: { maxUnavailable: port(1), selector: { matchLabels: selector } },
  });
}

/** The Postgres objects: config and init ConfigMaps, the StatefulSet, its Service and PDB, the exporter. */
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
  const conf = postgresqlConf(args);
  const init = initScripts();
  new k8s.KubeConfigMap(chart, "conf", {
    metadata: { name: `${base}-config`, labels },
    data: { "postgresql.conf": conf },
  });
  new k8s.KubeConfigMap(chart, "init", { metadata: { name: `${base}-init`, labels }, data: init });
  statefulSet(chart, args, checksum(conf, JSON.stringify(init)));
  postgresExporter(chart, args);
  return synth(chart);
}

function setting(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value}'`;
}

/** postgresql.conf of the server. */
export function postgresqlConf(args: PgvectorPostgresArgs): string {
  const t = args.tuning;
  const lines: [string, string | number][] = [
    ["listen_addresses", "*"],
    ["port", POSTGRES_PORT],
    ["unix_socket_directories", "/var/run/postgresql"],
    ["# Memory", ""],
    ["shared_buffers", t.sharedBuffers],
    ["effective_cache_size", t.effectiveCacheSize],
    ["work_mem", t.workMem],
    ["maintenance_work_mem", t.maintenanceWorkMem],
    ["# Connections", ""],
    ["max_connections", t.maxConnections],
    ["password_encryption", "scram-sha-256"],
    ["# Query optimization", ""],
    ["random_page_cost", t.randomPageCost],
    ["effective_io_concurrency", t.effectiveIoConcurrency],
    ["# WAL", ""],
    ["wal_buffers", t.walBuffers],
    ["checkpoint_completion_target", t.checkpointCompletionTarget],
    ["# Logging to stderr (the container log)", ""],
    ["log_destination", "stderr"],
    ["logging_collector", "off"],
    ["log_min_duration_statement", 1000],
  ];
  const body = lines.map(([k, v]) => (k.startsWith("#") ? `\n${k}` : `${k} = ${setting(v)}`)).join("\n");
  // The path is this file's old one, kept as it is: the text is deployed, and its checksum/config rolls the pod.
  return `# Generated by mcp-stack (infra/k8s/postgres.ts)\n${body}\n`;
}

/** First-start scripts (/docker-entrypoint-initdb.d): the vector extension in POSTGRES_DB. */
export function initScripts(): Record<string, string> {
  return { "01-pgvector.sql": "CREATE EXTENSION IF NOT EXISTS vector;\n" };
}
