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
}

// The instance manager's exporter, one target per pod; `namespace` and `pod` come from the scrape
// job's relabelling. One Cluster per namespace, so `namespace` names the cluster.
const cnpg = [eq("job", C.jobs.cloudnativePg)];
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

/** A CloudNativePG Cluster and its Barman Cloud backups. */
export function cloudNativePgAlerts(options: CloudNativePgAlertOptions = {}): AlertGroup {
  const instances = options.instances ?? 3;
  return {
    name: "mcp_backend_cloudnative_pg",
    rules: [...rules, ...(instances > 1 ? [replicasRule(instances)] : [])],
  };
}
