import { readFileSync } from "node:fs";
import { APP_METRICS, EXTERNAL_METRICS, LABEL_VALUES, PROCESS_METRICS } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";

/** The metrics the issue asks the app to export, transcribed: name → type. */
const EXPECTED_APP = {
  http_requests_total: "counter",
  http_request_duration_seconds: "histogram",
  errors_total: "counter",
  cache_hits_total: "counter",
  cache_misses_total: "counter",
  cache_evictions_total: "counter",
  db_connections_in_use: "gauge",
  db_connections_max: "gauge",
  db_query_duration_seconds: "histogram",
  llm_requests_total: "counter",
  llm_tokens_total: "counter",
  llm_cost_usd_total: "counter",
  embeddings_computed_total: "counter",
  conversations_ingested_total: "counter",
  searches_total: "counter",
};

describe("metric catalogue", () => {
  it("is a pure data module the app can import (no imports at all)", () => {
    expect(readFileSync("contract/src/metrics.ts", "utf8")).not.toMatch(/^\s*import\s/m);
  });

  it("lists every app metric with its type", () => {
    const actual = Object.fromEntries(Object.values(APP_METRICS).map((m) => [m.name, m.type]));
    expect(actual).toEqual(EXPECTED_APP);
  });

  it("gives histograms ascending buckets and other types none", () => {
    for (const m of Object.values(APP_METRICS)) {
      const buckets = "buckets" in m ? m.buckets : undefined;
      if (m.type === "histogram") {
        expect(buckets!.length).toBeGreaterThan(3);
        expect([...buckets!].sort((a, b) => a - b)).toEqual([...buckets!]);
      } else expect(buckets).toBeUndefined();
    }
  });

  it("has the HTTP labels route, method, status and the cache types embedding, search, rag", () => {
    expect(APP_METRICS.httpRequests.labelNames).toEqual(["route", "method", "status"]);
    expect(LABEL_VALUES.cache).toEqual(["embedding", "search", "rag"]);
    expect(LABEL_VALUES.tokenKind).toEqual(["prompt", "completion"]);
  });

  it("names counters _total and uses Prometheus-valid names", () => {
    for (const m of [
      ...Object.values(APP_METRICS),
      ...Object.values(PROCESS_METRICS),
      ...Object.values(EXTERNAL_METRICS),
    ]) {
      expect(m.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (m.type === "counter") expect(m.name.endsWith("_total"), m.name).toBe(true);
    }
  });

  it("names exporter metrics as the exporters do, with their source", () => {
    expect(EXTERNAL_METRICS.pgUp).toMatchObject({ name: "pg_up", source: "postgres_exporter" });
    expect(EXTERNAL_METRICS.pgStatActivityCount.name).toBe("pg_stat_activity_count");
    expect(EXTERNAL_METRICS.pgSettingsMaxConnections.name).toBe("pg_settings_max_connections");
    expect(EXTERNAL_METRICS.redisUp).toMatchObject({ name: "redis_up", source: "redis_exporter" });
    expect(EXTERNAL_METRICS.redisMemoryMaxBytes.name).toBe("redis_memory_max_bytes");
    expect(EXTERNAL_METRICS.cnpgReplicationLag).toMatchObject({
      name: "cnpg_pg_replication_lag",
      source: "cloudnative-pg",
    });
    expect(EXTERNAL_METRICS.barmanLastAvailableBackup).toMatchObject({
      name: "barman_cloud_cloudnative_pg_io_last_available_backup_timestamp",
      source: "barman-cloud-plugin",
    });
  });
});
