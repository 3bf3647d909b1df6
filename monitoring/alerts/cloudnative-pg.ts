import { EXTERNAL_METRICS as X } from "@mcp-stack/contract";
import { MONITORING_CONFIG as C } from "../config.js";
import { eq, sel } from "../promql.js";
import type { AlertGroup, AlertRule } from "./types.js";

/** Options of the CloudNativePG alerts. */
export interface CloudNativePgAlertOptions {
  /**
   * Instances of the Cluster (CloudNativePgDatabaseArgs.instances): the primary should stream to
   * instances − 1 standbys. With 1, the replica alert is left out. Defaults to 3.
   */
  readonly instances?: number;
  /** Whether the Cluster has Poolers (CloudNativePgDatabaseArgs.pooler); adds their alerts. Defaults to true. */
  readonly poolers?: boolean;
}

// The instance manager's exporter, one target per pod; `namespace` and `pod` come from the scrape
// job's relabelling. One Cluster per namespace, so `namespace` names the cluster.
const cnpg = [eq("job", C.jobs.cloudnativePg)];
const pooler = [eq("job", C.jobs.cloudnativePgPooler)];
const T = C.thresholds;

function replicasRule(instances: number): AlertRule {
  const expected = instances - 1;
  return {
    alert: "CloudNativePgReplicasMissing",
    // streaming_replicas is only meaningful on the primary (in_recovery == 0).
    expr: `max by (namespace) (
  ${sel(X.cnpgStreamingReplicas, cnpg)}
  and on (namespace, pod)
  (${sel(X.cnpgReplicationInRecovery, cnpg)} == 0)
)
< ${expected}`,
    for: C.for.cnpgReplicas,
    labels: { severity: "warning" },
    annotations: {
      summary: "PostgreSQL has fewer streaming replicas than expected",
      description: `The primary in {{ $labels.namespace }} streams to {{ $value }} standbys, expected ${expected}; a failover may lose its candidate`,
    },
  };
}

const rules: AlertRule[] = [
  {
    alert: "CloudNativePgInstanceDown",
    expr: `${sel(X.cnpgCollectorUp, cnpg)} == 0`,
    for: C.for.dataTierDown,
    labels: { severity: "warning" },
    annotations: {
      summary: "A PostgreSQL instance is down",
      description:
        "PostgreSQL in {{ $labels.pod }} ({{ $labels.namespace }}) does not answer its instance manager; the operator fails over if it was the primary",
    },
  },
  {
    alert: "CloudNativePgReplicationLagHigh",
    expr: `max by (namespace, pod) (${sel(X.cnpgReplicationLag, cnpg)}) > ${T.cnpgReplicationLagSeconds}`,
    for: C.for.cnpgReplicationLag,
    labels: { severity: "warning" },
    annotations: {
      summary: "A PostgreSQL standby lags behind the primary",
      description: `{{ $labels.pod }} replays {{ $value | humanizeDuration }} behind the primary (threshold: ${T.cnpgReplicationLagSeconds}s); replica reads are stale`,
    },
  },
  {
    alert: "CloudNativePgWalArchivingFailing",
    // The latest archive attempt failed: failures after the last success (both are -1 when never).
    expr: `${sel(X.cnpgArchiverLastFailedTime, cnpg)}
>
${sel(X.cnpgArchiverLastArchivedTime, cnpg)}`,
    for: C.for.cnpgArchiving,
    labels: { severity: "critical" },
    annotations: {
      summary: "WAL archiving to the object store fails",
      description:
        "{{ $labels.pod }} cannot archive WAL: point-in-time recovery stops at the last archived segment and pg_wal fills the volume",
    },
  },
  {
    alert: "CloudNativePgBackupTooOld",
    // The plugin reports 0 before the first backup, which counts as too old.
    expr: `time() - max by (namespace) (${sel(X.barmanLastAvailableBackup, cnpg)}) > ${T.cnpgBackupMaxAgeSeconds}`,
    for: C.for.cnpgBackupAge,
    labels: { severity: "warning" },
    annotations: {
      summary: "The last PostgreSQL base backup is too old",
      description: `The newest base backup in {{ $labels.namespace }} is {{ $value | humanizeDuration }} old (threshold: ${T.cnpgBackupMaxAgeSeconds / 3600}h); recovery needs ever more WAL`,
    },
  },
];

/** PgBouncer in the Poolers, scraped on 9127 by the cloudnative-pg-pooler job. */
const poolerRules: AlertRule[] = [
  {
    alert: "CloudNativePgPoolerDown",
    // The pod's exporter unreachable, or reachable and reporting its PgBouncer down.
    expr: `(${sel(X.up, pooler)} == 0)
or
(${sel(X.cnpgPoolerUp, pooler)} == 0)`,
    for: C.for.dataTierDown,
    labels: { severity: "warning" },
    annotations: {
      summary: "A PgBouncer pod of a Pooler is down",
      description:
        "PgBouncer in {{ $labels.pod }} ({{ $labels.namespace }}) does not answer; the Pooler's Service sends the app's connections to its other pods, which now carry the load alone",
    },
  },
  {
    alert: "CloudNativePgPoolerWaiting",
    expr: `max by (namespace, pod) (${sel(X.cnpgPoolerMaxWait, pooler)}) > ${T.cnpgPoolerMaxWaitSeconds}`,
    for: C.for.cnpgPoolerWait,
    labels: { severity: "warning" },
    annotations: {
      summary: "Clients queue in a Pooler for a server connection",
      description: `The oldest client in {{ $labels.pod }} has waited {{ $value | humanizeDuration }} for a PostgreSQL connection (threshold: ${T.cnpgPoolerMaxWaitSeconds}s): every server connection of its pool is busy`,
    },
  },
];

/** A CloudNativePG Cluster, its Poolers and its Barman Cloud backups. */
export function cloudNativePgAlerts(options: CloudNativePgAlertOptions = {}): AlertGroup {
  const instances = options.instances ?? 3;
  const poolers = options.poolers ?? true;
  return {
    name: "mcp_backend_cloudnative_pg",
    rules: [...rules, ...(instances > 1 ? [replicasRule(instances)] : []), ...(poolers ? poolerRules : [])],
  };
}
