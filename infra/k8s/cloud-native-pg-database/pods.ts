import { CNPG_POD_LABELS, CNPG_POD_ROLES } from "@mcp-stack/contract";

export {
  CNPG_POD_LABELS,
  CNPG_POOLER_METRICS_PORT,
  CNPG_POOLER_METRICS_PORT_NAME,
  CNPG_STATUS_PORT,
} from "@mcp-stack/contract";

/**
 * Pod labels that select every pod of a cluster: its instances, its Poolers' PgBouncer pods and the
 * operator's Jobs (initdb, join, full-recovery, ...: cnpg.io/cluster and cnpg.io/jobRole, no podRole;
 * cloudnative-pg pkg/specs/jobs.go CreatePrimaryJob, pkg/specs/pgbouncer/deployments.go). CloudNativePG's
 * own example NetworkPolicy selects a cluster this way (docs/src/samples/networkpolicy-example.yaml).
 */
export function cnpgClusterSelector(cluster: string): Record<string, string> {
  return { [CNPG_POD_LABELS.cluster]: cluster };
}

/** Pod labels that select the PostgreSQL instances of a cluster (not its poolers). */
export function cnpgInstanceSelector(cluster: string): Record<string, string> {
  return { [CNPG_POD_LABELS.cluster]: cluster, [CNPG_POD_LABELS.podRole]: CNPG_POD_ROLES.instance };
}

/** Pod labels that select the PgBouncer pods of one Pooler. */
export function cnpgPoolerSelector(pooler: string): Record<string, string> {
  return { [CNPG_POD_LABELS.poolerName]: pooler, [CNPG_POD_LABELS.podRole]: CNPG_POD_ROLES.pooler };
}

/** Pod labels that select the PgBouncer pods of every Pooler in a namespace (one Cluster per namespace). */
export const CNPG_ANY_POOLER_SELECTOR: Readonly<Record<string, string>> = {
  [CNPG_POD_LABELS.podRole]: CNPG_POD_ROLES.pooler,
};
