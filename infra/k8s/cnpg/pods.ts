/**
 * Facts about the pods CloudNativePG creates, for NetworkPolicies and scraping (from the operator's
 * source, v1.30: pkg/utils/labels_annotations.go, pkg/management/url/url.go).
 */
export const CNPG_POD_LABELS = {
  cluster: "cnpg.io/cluster",
  /** "instance" on PostgreSQL pods, "pooler" on PgBouncer pods (both carry cnpg.io/cluster). */
  podRole: "cnpg.io/podRole",
  poolerName: "cnpg.io/poolerName",
} as const;

/** The instance manager's status endpoint: the operator and the other instances call it. */
export const CNPG_STATUS_PORT = 8000;
/** PgBouncer's exporter on Pooler pods. */
export const CNPG_POOLER_METRICS_PORT = 9127;

/** Pod labels that select the PostgreSQL instances of a cluster (not its poolers). */
export function cnpgInstanceSelector(cluster: string): Record<string, string> {
  return { [CNPG_POD_LABELS.cluster]: cluster, [CNPG_POD_LABELS.podRole]: "instance" };
}

/** Pod labels that select the PgBouncer pods of one Pooler. */
export function cnpgPoolerSelector(pooler: string): Record<string, string> {
  return { [CNPG_POD_LABELS.poolerName]: pooler, [CNPG_POD_LABELS.podRole]: "pooler" };
}
