import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { knownSeriesNames } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allAlerts, ruleFiles } from "../../monitoring/alerts/index.js";
import { ROWS } from "../../monitoring/dashboards/mcp-backend.js";

/** The reference's seven alerts ("Alert Rules" in infrastructure.md), transcribed. */
const REFERENCE = [
  { alert: "HighErrorRate", severity: "critical", for: "5m", threshold: "> 0.05" },
  { alert: "ServiceDown", severity: "critical", for: "1m", threshold: "== 0" },
  { alert: "DatabaseConnectionPoolExhausted", severity: "critical", for: "5m", threshold: "> 0.9" },
  { alert: "HighLatency", severity: "warning", for: "10m", threshold: "> 2" },
  { alert: "LowCacheHitRate", severity: "warning", for: "15m", threshold: "< 0.3" },
  { alert: "HighMemoryUsage", severity: "warning", for: "10m", threshold: "> 0.85" },
  { alert: "HighLLMTokenUsage", severity: "info", for: "1h", threshold: "> 100000" },
];

interface PromtoolCase {
  alert_rule_test?: { alertname: string; exp_alerts?: { exp_labels?: object; exp_annotations?: object }[] }[];
}

function cases() {
  const dir = "monitoring/prometheus/tests";
  return readdirSync(dir).flatMap((f) => {
    const doc = parse(readFileSync(join(dir, f), "utf8")) as { tests: PromtoolCase[] };
    return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
  });
}

/** Metric names in a PromQL expression: identifiers not followed by `(`, minus keywords and labels. */
function metricNames(expr: string): string[] {
  const noStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, "{}");
  const noGrouping = noStrings.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "le", "inf", "nan"]);
  return [...noGrouping.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((m) => m[1]!)
    .filter((n) => !keywords.has(n.toLowerCase()) && !/^\d/.test(n) && !/^\d+[smhdwy]$/.test(n));
}

/** Every alert of the default rules and of the CloudNativePG ones, once each. */
function everyAlert() {
  const all = [...allAlerts(), ...allAlerts({ postgres: "cloudnative-pg" })];
  return all.filter((a, i) => all.findIndex((b) => b.alert === a.alert) === i);
}

describe("alert rules", () => {
  const alerts = everyAlert();

  it.each(REFERENCE)("keep the reference's severity, team, for and threshold for $alert", (ref) => {
    const rule = alerts.find((a) => a.alert === ref.alert);
    expect(rule, ref.alert).toBeDefined();
    expect(rule!.labels.severity).toBe(ref.severity);
    expect(rule!.labels.team).toBe("backend");
    expect(rule!.for).toBe(ref.for);
    expect(rule!.expr.trim().endsWith(ref.threshold)).toBe(true);
  });

  it("include an absent() alert for the app job", () => {
    expect(alerts.some((a) => a.expr.includes('absent(up{job="mcp-backend"})'))).toBe(true);
  });

  it("every alert has a runbook_url to a written runbook, a summary and a description", () => {
    for (const a of alerts) {
      expect(a.annotations.runbook_url).toBe(`docs/runbooks/${a.alert}.md`);
      expect(existsSync(a.annotations.runbook_url), a.annotations.runbook_url).toBe(true);
      expect(readFileSync(a.annotations.runbook_url, "utf8")).toMatch(/## How to check[\s\S]*## How to fix/);
      expect(a.annotations.summary.length).toBeGreaterThan(0);
      expect(a.annotations.description.length).toBeGreaterThan(0);
      expect(a.alert).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });

  it("every alert has a promtool case that fires (labels and annotations asserted) and one that stays silent", () => {
    const all = cases();
    for (const a of alerts) {
      const mine = all.filter((c) => c.alertname === a.alert);
      const firing = mine.filter((c) => (c.exp_alerts ?? []).length > 0);
      const silent = mine.filter((c) => (c.exp_alerts ?? []).length === 0);
      expect(firing.length, `${a.alert}: firing case`).toBeGreaterThan(0);
      expect(silent.length, `${a.alert}: silent case`).toBeGreaterThan(0);
      for (const c of firing)
        for (const e of c.exp_alerts ?? []) {
          expect(e.exp_labels, `${a.alert}: labels`).toBeDefined();
          expect(e.exp_annotations, `${a.alert}: annotations`).toBeDefined();
        }
    }
  });

  it("aggregate histograms by le before histogram_quantile", () => {
    for (const a of alerts.filter((x) => x.expr.includes("histogram_quantile")))
      expect(a.expr).toMatch(/histogram_quantile\([\d.]+, sum by \([^)]*\ble\b[^)]*\)/);
  });
});

describe("postgres modes", () => {
  const names = (o: Parameters<typeof allAlerts>[0]) => allAlerts(o).map((a) => a.alert);

  it("emit cloudnative-pg.yml only when chosen; the default stays the StatefulSet's rules", () => {
    expect(ruleFiles().map((f) => f.file)).toEqual(["mcp-backend.yml", "data-tier.yml"]);
    expect(ruleFiles({ postgres: "cloudnative-pg" }).map((f) => f.file)).toEqual([
      "mcp-backend.yml",
      "data-tier.yml",
      "cloudnative-pg.yml",
    ]);
    expect(names({})).toContain("PostgresDown");
  });

  it("swap the postgres_exporter rules and job for CloudNativePG's", () => {
    const cnpg = allAlerts({ postgres: "cloudnative-pg" });
    expect(cnpg.map((a) => a.alert)).not.toContain("PostgresDown");
    expect(cnpg.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        "CloudNativePgInstanceDown",
        "CloudNativePgReplicationLagHigh",
        "CloudNativePgWalArchivingFailing",
        "CloudNativePgBackupTooOld",
        "CloudNativePgReplicasMissing",
      ]),
    );
    const missing = cnpg.find((a) => a.alert === "ScrapeTargetsMissing")!.expr;
    expect(missing).toContain('absent(up{job="cloudnative-pg"})');
    expect(missing).not.toContain('job="postgres"');
  });

  it("expect instances − 1 streaming replicas, and none with a single instance", () => {
    const replicas = (n: number) =>
      allAlerts({ postgres: "cloudnative-pg", cloudNativePgInstances: n }).find(
        (a) => a.alert === "CloudNativePgReplicasMissing",
      );
    expect(replicas(5)!.expr.trim().endsWith("< 4")).toBe(true);
    expect(replicas(1)).toBeUndefined();
  });

  it("drop every Postgres rule for an external database", () => {
    const ext = names({ postgres: "external", redis: false });
    expect(ext.filter((n) => /Postgres|CloudNativePg|DataTierExporter/.test(n))).toEqual([]);
  });
});

describe("metric names", () => {
  const known = knownSeriesNames();
  it("in alert expressions are all in the catalogue", () => {
    for (const a of everyAlert())
      for (const n of metricNames(a.expr)) expect(known.has(n), `${a.alert}: ${n}`).toBe(true);
  });
  it("in dashboard expressions are all in the catalogue", () => {
    for (const row of ROWS)
      for (const p of row.panels)
        for (const t of p.targets)
          for (const n of metricNames(t.expr.replaceAll("$__rate_interval", "1m")))
            expect(known.has(n), `${row.title}/${p.title}: ${n}`).toBe(true);
  });
  it("the extractor finds names (so the checks above cannot pass vacuously)", () => {
    expect(metricNames('sum by (job) (rate(errors_total{job="x"}[5m])) / up > 0.05')).toEqual([
      "errors_total",
      "up",
    ]);
  });
});
