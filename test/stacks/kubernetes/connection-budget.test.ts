import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../../environments/index.js";
import { find, podTemplates, type RenderedObject, rendered } from "./rendered-objects.js";

/** Postgres' default superuser_reserved_connections: connections the app can never have. */
const SUPERUSER_RESERVED = 3;

function ini(text: string, key: string): number {
  const m = new RegExp(`^${key}\\s*=\\s*(\\d+)`, "m").exec(text);
  if (!m) throw new Error(`${key} missing`);
  return Number(m[1]);
}

function confInt(conf: string, key: string): number {
  const m = new RegExp(`^${key}\\s*=\\s*'?(\\d+)`, "m").exec(conf);
  if (!m) throw new Error(`${key} missing from postgresql.conf`);
  return Number(m[1]);
}

/**
 * The connection budget as rendered: every app pod that can run at once (HPA max or replicas, plus
 * maxSurge) × WORKERS × (DB_POOL_SIZE + DB_MAX_OVERFLOW) against what the database side accepts —
 * PgBouncer's client capacity when the app's DATABASE_URL points at PgBouncer (and PgBouncer's server
 * pools against max_connections), else max_connections minus the other clients of Postgres.
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
  const perPod = Number(cfg.WORKERS) * (Number(cfg.DB_POOL_SIZE) + Number(cfg.DB_MAX_OVERFLOW));
  const app = pods * perPod;
  const conf = (find(objects, "ConfigMap", "postgres-config").data as Record<string, string>)[
    "postgresql.conf"
  ]!;
  const maxConnections = confInt(conf, "max_connections");
  // Other clients of the primary: each exporter replica and the backup job hold one connection.
  const others = podTemplates(objects)
    .filter((p) => ["deployment/postgres-exporter", "cronjob/postgres-backup"].includes(p.workload))
    .reduce((n, p) => n + ((p.object.spec as { replicas?: number }).replicas ?? 1), 0);
  const available = maxConnections - SUPERUSER_RESERVED - others;
  const url = (find(objects, "Secret", "db-credentials").stringData as Record<string, string>).url!;
  const host = /@([^:/]+)[:/]/.exec(url)?.[1];
  const problems: string[] = [];
  if (host === "pgbouncer") {
    const pgb = (find(objects, "ConfigMap", "pgbouncer-config").data as Record<string, string>)[
      "pgbouncer.ini"
    ]!;
    const replicas = (find(objects, "Deployment", "pgbouncer").spec as { replicas: number }).replicas;
    const clients = replicas * ini(pgb, "max_client_conn");
    const perDb = Math.min(
      ini(pgb, "default_pool_size") + ini(pgb, "reserve_pool_size"),
      ini(pgb, "max_db_connections"),
    );
    const server = replicas * perDb;
    if (app > clients) problems.push(`app may open ${app} connections, PgBouncer accepts ${clients}`);
    if (server > available)
      problems.push(`PgBouncer may open ${server} server connections, Postgres allows ${available}`);
  } else if (app > available) {
    problems.push(`app may open ${app} connections (${pods} pods × ${perPod}), Postgres allows ${available}`);
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
      expect.stringMatching(/^app may open 360 connections .*Postgres allows 195$/),
    ]);
  });

  it("rejects prod when PgBouncer's pools exceed max_connections", async () => {
    const objects = structuredClone(await rendered("prod"));
    const data = find(objects, "ConfigMap", "pgbouncer-config").data as Record<string, string>;
    data["pgbouncer.ini"] = data["pgbouncer.ini"]!.replace(
      /^max_db_connections = \d+/m,
      "max_db_connections = 200",
    ).replace(/^default_pool_size = \d+/m, "default_pool_size = 150");
    expect(budgetProblems(objects)).toEqual([
      expect.stringMatching(/^PgBouncer may open 320 server connections/),
    ]);
  });
});
