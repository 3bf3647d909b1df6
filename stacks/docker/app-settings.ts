import type { EnvName } from "@mcp-stack/contract";
import type { ResolvedEnvironment } from "../../environments/index.js";
import { appEnvironment } from "../app-environment.js";

/** One environment variable of the app container, in the order the model lists its settings. */
export type Setting = readonly [name: EnvName, value: string];

/**
 * Host name of the Postgres container on the dev network, as in the reference's compose file
 * (`postgresql://user:password@db:5432/mcp_dev`).
 */
export const DB_HOST = "db";
/** Host name of the app container on the dev network (the reference's `app` service). */
export const APP_HOST = "app";

/** A problem that keeps an environment from running on the Docker target. */
export interface DockerSupportIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The Docker target runs the app and Postgres only (the reference's development compose file). An
 * environment that needs more (Redis, a tracing backend, a read replica, a pooler) belongs on
 * Kubernetes; say which fields to change rather than deploying an app that cannot start.
 */
export function dockerSupportIssues(env: ResolvedEnvironment): DockerSupportIssue[] {
  const issues: DockerSupportIssue[] = [];
  const fix = "or deploy with `pulumi config set mcp-stack:target kubernetes`";
  if (env.cache.backend === "redis")
    issues.push({
      path: "cache.backend",
      message: `is "redis": the Docker target has no Redis; use "memory" ${fix}`,
    });
  if (env.observability.tracing !== "none")
    issues.push({
      path: "observability.tracing",
      message: `is "${env.observability.tracing}": the Docker target runs no tracing backend; use "none" ${fix}`,
    });
  if (env.database.readReplica)
    issues.push({
      path: "database.readReplica",
      message: `is true: the Docker target runs one Postgres ${fix}`,
    });
  if (env.database.pooler.enabled)
    issues.push({
      path: "database.pooler.enabled",
      message: `is true: the Docker target runs no PgBouncer ${fix}`,
    });
  return issues;
}

/** Throws naming every field that keeps `env` off the Docker target. */
export function assertDockerSupported(env: ResolvedEnvironment): void {
  const issues = dockerSupportIssues(env);
  if (issues.length === 0) return;
  throw new Error(
    `${env.name}: cannot deploy to the docker target:\n${issues.map((i) => `  - ${i.path} ${i.message}`).join("\n")}`,
  );
}

/**
 * Every non-secret app setting of the model as the dev container's environment (names from
 * contract/src/service.ts). Secrets (DATABASE_URL, OPENAI_API_KEY, SENTRY_DSN, API_KEYS) are added by the
 * caller from secret Outputs, or as interpolations in the compose file. Exporters that are off are
 * passed as empty strings, as the reference's dev `.env` does.
 */
export function dockerAppSettings(env: ResolvedEnvironment): Setting[] {
  return Object.entries(
    appEnvironment(env, { logFile: env.logging.file, blankDisabledExporters: true }),
  ) as Setting[];
}

export { secretSettings } from "../app-environment.js";

/**
 * `postgres -c …` flags from the model's postgresql.conf values, so the dev database is tuned like
 * the model says (the reference's compose file passes none; derived values from derive.ts).
 */
export function postgresFlags(env: ResolvedEnvironment): string[] {
  const pg = env.database.postgres;
  const conf: [string, string | number][] = [
    ["max_connections", pg.maxConnections],
    ["shared_buffers", env.derived.postgres.sharedBuffers],
    ["effective_cache_size", env.derived.postgres.effectiveCacheSize],
    ["work_mem", pg.workMem],
    ["maintenance_work_mem", pg.maintenanceWorkMem],
    ["random_page_cost", pg.randomPageCost],
    ["effective_io_concurrency", pg.effectiveIoConcurrency],
    ["wal_buffers", pg.walBuffers],
    ["checkpoint_completion_target", pg.checkpointCompletionTarget],
  ];
  return conf.flatMap(([k, v]) => ["-c", `${k}=${v}`]);
}
