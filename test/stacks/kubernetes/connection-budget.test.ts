import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../../environments/index.js";
import { find, podTemplates, type RenderedObject, rendered } from "./rendered-objects.js";

/** Postgres' default superuser_reserved_connections: connections the app can never have. */
const SUPERUSER_RESERVED = 3;
function confInt(conf: string, key: string): number {
  const m = new RegExp(`^${key}\\s*=\\s*'?(\\d+)`, "m").exec(conf);
  if (!m) throw new Error(`${key} missing from postgresql.conf`);
  return Number(m[1]);
}

interface PoolerSpec {
  instances: number;
  pgbouncer: { parameters: Record<string, string> };
}

/** max_connections of the rendered server: the CloudNativePG Cluster's parameters, or postgresql.conf. */
function maxConnections(objects: readonly RenderedObject[]): number {
  const cluster = objects.find((o) => o.kind === "Cluster");
  if (cluster)
    return Number(
      (cluster.spec as { postgresql: { parameters: Record<string, string> } }).postgresql.parameters
        .max_connections,
    );
  const conf = (find(objects, "ConfigMap", "postgres-config").data as Record<string, string>)[
    "postgresql.conf"
  ]!;
  return confInt(conf, "max_connections");
}

/**
 * The connection budget as rendered: every app pod that can run at once (HPA max or replicas, plus
 * maxSurge) × WORKERS × (DB_POOL_SIZE + DB_MAX_OVERFLOW), for each URL the app gets (DATABASE_URL and
 * DATABASE_REPLICA_URL: one pool each per worker), against what receives it — a CloudNativePG Pooler's
 * client capacity (and its server pools against max_connections), else max_connections minus the other
 * clients of Postgres.
 */
function budgetProblems(objects: readonly RenderedObject[]): string[] {
  const dep = find(objects, "Deployment", "mcp-backend");
  const spec = dep.spec as { replicas?: number; strategy: { rollingUpdate: { maxSurge: number } } };
  const hpa = objects.find(
    (o) =>
      o.kind === "HorizontalPodAutoscaler" &&
      (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === "mcp-backend",
  );
  const maxReplicas = hpa ? (hpa.spec as { maxReplicas: number }).maxReplicas : (spec.replicas ?? 1);
  const pods = maxReplicas + spec.strategy.rollingUpdate.maxSurge;
  const cfg = find(objects, "ConfigMap", "mcp-backend-config").data as Record<string, string>;
  const perPool = Number(cfg.WORKERS) * (Number(cfg.DB_POOL_SIZE) + Number(cfg.DB_MAX_OVERFLOW));
  const app = pods * perPool;
  // Other clients of a server we run: each exporter replica and the backup job hold one connection.
  const others = podTemplates(objects)
    .filter((p) => ["deployment/postgres-exporter", "cronjob/postgres-backup"].includes(p.workload))
    .reduce((n, p) => n + ((p.object.spec as { replicas?: number }).replicas ?? 1), 0);
  const available = maxConnections(objects) - SUPERUSER_RESERVED - others;
  const urls = find(objects, "Secret", "db-credentials").stringData as Record<string, string>;
  const problems: string[] = [];
  for (const key of ["url", "replica-url"]) {
    const url = urls[key];
    if (url === undefined) continue;
    const host = /@([^:/]+)[:/]/.exec(url)?.[1] ?? "";
    const pooler = objects.find((o) => o.kind === "Pooler" && o.metadata.name === host);
    if (pooler) {
      const ps = pooler.spec as PoolerSpec;
      const p = ps.pgbouncer.parameters;
      const clients = ps.instances * Number(p.max_client_conn);
      const server = ps.instances * (Number(p.default_pool_size) + Number(p.reserve_pool_size));
      if (app > clients) problems.push(`${key}: app may open ${app} connections, ${host} accepts ${clients}`);
      if (server > available)
        problems.push(`${key}: ${host} may open ${server} server connections, Postgres allows ${available}`);
    } else if (app > available) {
      problems.push(
        `${key}: app may open ${app} connections (${pods} pods × ${perPool}), Postgres allows ${available}`,
      );
    }
  }
  return problems;
}

describe.each(ENVIRONMENT_NAMES)("%s connection budget (as rendered)", (env) => {
  it("fits the app's worst case into what Postgres or PgBouncer accepts", async () => {
    expect(budgetProblems(await rendered(env))).toEqual([]);
  });
});

describe("the budget check", () => {
  it("rejects staging when DB_POOL_SIZE grows past max_connections", async () => {
    const objects = structuredClone(await rendered("staging"));
    (find(objects, "ConfigMap", "mcp-backend-config").data as Record<string, string>).DB_POOL_SIZE = "40";
    expect(budgetProblems(objects)).toEqual([
      expect.stringMatching(/^url: app may open 360 connections .*Postgres allows 195$/),
    ]);
  });

  it("rejects prod when a Pooler's server pools exceed max_connections", async () => {
    const objects = structuredClone(await rendered("prod"));
    const ro = find(objects, "Pooler", "postgres-pooler-ro").spec as PoolerSpec;
    ro.pgbouncer.parameters.default_pool_size = "150";
    expect(budgetProblems(objects)).toEqual([
      "replica-url: postgres-pooler-ro may open 320 server connections, Postgres allows 197",
    ]);
  });

  it("counts the replica URL's pool too", async () => {
    const objects = structuredClone(await rendered("prod"));
    const ro = find(objects, "Pooler", "postgres-pooler-ro").spec as PoolerSpec;
    ro.pgbouncer.parameters.max_client_conn = "100";
    expect(budgetProblems(objects)).toEqual([
      "replica-url: app may open 5040 connections, postgres-pooler-ro accepts 200",
    ]);
  });
});
