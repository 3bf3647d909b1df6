/**
 * Facts about the pods CloudNativePG creates, which NetworkPolicies, scrape jobs and PodMonitors select
 * on (from the operator's source, v1.30: pkg/utils/labels_annotations.go, pkg/management/url/url.go,
 * pkg/specs/pgbouncer/deployments.go).
 */
export const CNPG_POD_LABELS = {
  cluster: "cnpg.io/cluster",
  /** "instance" on PostgreSQL pods, "pooler" on PgBouncer pods (both carry cnpg.io/cluster). */
  podRole: "cnpg.io/podRole",
  poolerName: "cnpg.io/poolerName",
  /**
   * On the pods of the operator's Jobs (initdb, join, full-recovery, ...), which carry cnpg.io/cluster
   * but no podRole (cloudnative-pg pkg/utils/labels_annotations.go JobRoleLabelName, set in
   * pkg/specs/jobs.go CreatePrimaryJob).
   */
  jobRole: "cnpg.io/jobRole",
} as const;

/** Values of CNPG_POD_LABELS.podRole. */
export const CNPG_POD_ROLES = { instance: "instance", pooler: "pooler" } as const;

/**
 * Values of CNPG_POD_LABELS.jobRole: cloudnative-pg pkg/specs/jobs.go (the jobRole constants) and
 * pkg/reconciler/majorupgrade/job.go (jobMajorUpgrade).
 */
export const CNPG_JOB_ROLES = [
  "initdb",
  "import",
  "pgbasebackup",
  "full-recovery",
  "join",
  "snapshot-recovery",
  "major-upgrade",
] as const;

/** The instance manager's status endpoint: the operator and the other instances call it. */
export const CNPG_STATUS_PORT = 8000;
/** PgBouncer's exporter on Pooler pods, and the name of its container port. */
export const CNPG_POOLER_METRICS_PORT = 9127;
export const CNPG_POOLER_METRICS_PORT_NAME = "metrics";
