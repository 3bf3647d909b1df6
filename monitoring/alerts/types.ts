/** An alerting rule as Prometheus reads it, before the central runbook annotation is added. */
export interface AlertRule {
  /** PascalCase; also the runbook's file name (docs/runbooks/<alert>.md). */
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "critical" | "warning" | "info"; readonly [label: string]: string };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** A rule group: one concern, evaluated together. */
export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** A rules file under /etc/prometheus/alerts/ and the groups it holds. */
export interface RulesFile {
  /** File name, e.g. `mcp-backend.yml`. */
  readonly file: string;
  readonly groups: readonly AlertGroup[];
}

/**
 * How PostgreSQL runs: "statefulset" (PgvectorPostgres with postgres_exporter), "cloudnative-pg"
 * (CloudNativePgDatabase, scraped as job `cloudnative-pg`), or "external" (a managed service).
 */
export type PostgresMode = "statefulset" | "cloudnative-pg" | "external";
