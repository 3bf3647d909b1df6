/** GET /metrics: every catalogued metric with its type, and the counters move with real requests. */

import { APP_METRICS, LABEL_VALUES, PROCESS_METRICS } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import type { Answerer } from "../../../app/src/answers/answerer.js";
import { createAppTelemetry } from "../../../app/src/telemetry/app-telemetry.js";
import { SERVER_ERROR_CODES } from "../../../app/src/telemetry/http-plugin.js";
import { CORPUS } from "../corpus.js";
import { startApp, testConfig, useDatabase } from "../helpers.js";
import { type Exposition, find, parseExposition, total } from "./prom-text.js";

async function scrape(app: Awaited<ReturnType<typeof startApp>>): Promise<Exposition> {
  const res = await app.inject({ method: "GET", url: "/metrics" });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(res.body);
}

/** Prometheus' exposition type per catalogue type (prom-client writes them lower-case). */
const EXPOSITION_TYPE = { counter: "counter", gauge: "gauge", histogram: "histogram" } as const;

describe("GET /metrics", () => {
  const db = useDatabase();
  const config = testConfig();

  it("lists every APP_METRICS and PROCESS_METRICS entry once, with its catalogued type and labels", async () => {
    const telemetry = createAppTelemetry({ config });
    const app = await startApp(db.current.databases, { telemetry });
    try {
      const exp = await scrape(app);
      for (const def of [...Object.values(APP_METRICS), ...Object.values(PROCESS_METRICS)]) {
        expect(exp.types.get(def.name), def.name).toBe(EXPOSITION_TYPE[def.type]);
        expect(exp.typeLines.get(def.name), def.name).toBe(1);
      }
      // Counters' known label combinations exist before any event (ratios need a denominator).
      for (const cache of LABEL_VALUES.cache) {
        for (const name of ["cache_hits_total", "cache_misses_total", "cache_evictions_total"]) {
          expect(find(exp, name, { cache }), `${name}{cache=${cache}}`).toHaveLength(1);
        }
      }
      for (const mode of LABEL_VALUES.searchMode)
        expect(find(exp, "searches_total", { mode })).toHaveLength(1);
      // errors_total: every route and catalogued 5xx code at 0, so the error ratio is 0, not "no data".
      for (const route of ["/v1/search", "/v1/answer", "/v1/conversations"]) {
        for (const code of SERVER_ERROR_CODES) {
          expect(find(exp, "errors_total", { route, code }), `${route} ${code}`).toEqual([
            { name: "errors_total", labels: { route, code }, value: 0 },
          ]);
        }
      }
      expect(SERVER_ERROR_CODES).toEqual(["INTERNAL", "UPSTREAM_FAILED", "DB_UNAVAILABLE", "TIMEOUT"]);
      expect(find(exp, "errors_total", { route: "/health/ready" })).toEqual([]);
      expect(find(exp, "conversations_ingested_total")).toEqual([
        { name: "conversations_ingested_total", labels: {}, value: 0 },
      ]);
      // The embedded database is one connection: max 1, idle now.
      expect(total(exp, "db_connections_max", { pool: "primary" })).toBe(1);
      expect(total(exp, "db_connections_in_use", { pool: "primary" })).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("counts requests by route template, 5xx errors by code, searches, ingests, cache and LLM usage", async () => {
    const telemetry = createAppTelemetry({ config, defaultMetrics: false });
    let failNext = false;
    const base = (await import("../../../app/src/answers/extractive-answerer.js")).ExtractiveAnswerer;
    const extractive = new base();
    const answerer: Answerer = {
      model: extractive.model,
      answer: async (q, c) => {
        if (failNext) throw new Error("answerer bug");
        return extractive.answer(q, c);
      },
    };
    const app = await startApp(db.current.databases, { telemetry, answerer });
    try {
      const ingests = CORPUS.slice(0, 3);
      for (const c of ingests) {
        expect((await app.inject({ method: "POST", url: "/v1/conversations", payload: c })).statusCode).toBe(
          201,
        );
      }
      for (const mode of ["hybrid", "semantic", "keyword", "hybrid"]) {
        const res = await app.inject({
          method: "POST",
          url: "/v1/search",
          payload: { query: "deploy backend", mode },
        });
        expect(res.statusCode).toBe(200);
      }
      const id = ingests[0]!.id!;
      expect((await app.inject({ method: "GET", url: `/v1/conversations/${id}` })).statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url: "/v1/conversations/nope" })).statusCode).toBe(404);
      expect((await app.inject({ method: "GET", url: "/no/such/route/1" })).statusCode).toBe(404);
      const ok = await app.inject({
        method: "POST",
        url: "/v1/answer",
        payload: { question: "How do I deploy?" },
      });
      expect(ok.statusCode).toBe(200);
      app.draining = true;
      expect((await app.inject({ method: "GET", url: "/health/ready" })).statusCode).toBe(503);
      app.draining = false;
      failNext = true;
      const failed = await app.inject({
        method: "POST",
        url: "/v1/answer",
        payload: { question: "Anything else?" },
      });
      expect(failed.statusCode).toBe(500);

      const exp = await scrape(app);
      // Expected values follow from the requests above, not from the code.
      const expected: [string, Record<string, string>, number][] = [
        ["http_requests_total", { route: "/v1/conversations", method: "POST", status: "201" }, 3],
        ["http_requests_total", { route: "/v1/search", method: "POST", status: "200" }, 4],
        ["http_requests_total", { route: "/v1/conversations/:id", method: "GET", status: "200" }, 1],
        ["http_requests_total", { route: "/v1/conversations/:id", method: "GET", status: "404" }, 1],
        ["http_requests_total", { route: "unmatched", method: "GET", status: "404" }, 1],
        ["http_requests_total", { route: "/v1/answer", method: "POST", status: "500" }, 1],
        ["http_request_duration_seconds_count", { route: "/v1/search", method: "POST", status: "200" }, 4],
        ["errors_total", { route: "/v1/answer", code: "INTERNAL" }, 1],
        // The draining readiness 503 is a request, not an error.
        ["http_requests_total", { route: "/health/ready", method: "GET", status: "503" }, 1],
        ["errors_total", {}, 1],
        ["conversations_ingested_total", {}, 3],
        ["searches_total", { mode: "hybrid" }, 2],
        ["searches_total", { mode: "semantic" }, 1],
        ["searches_total", { mode: "keyword" }, 1],
        // The repeated hybrid search is served from the cache; each answer's retrieval looks up the
        // search cache too (two different questions: two more misses), and the rag cache once each.
        ["cache_hits_total", { cache: "search" }, 1],
        ["cache_misses_total", { cache: "search" }, 5],
        ["cache_misses_total", { cache: "rag" }, 2],
        ["llm_requests_total", { operation: "chat", model: "extractive", outcome: "ok" }, 1],
        ["llm_requests_total", { operation: "chat", model: "extractive", outcome: "error" }, 1],
        ["llm_cost_usd_total", { model: "extractive" }, 0],
      ];
      for (const [name, labels, value] of expected) {
        expect(total(exp, name, labels), `${name}${JSON.stringify(labels)}`).toBe(value);
      }
      // The extractive answerer counts its prompt and answer with the real tokenizer.
      expect(total(exp, "llm_tokens_total", { kind: "prompt", model: "extractive" })).toBeGreaterThan(0);
      expect(total(exp, "llm_tokens_total", { kind: "completion", model: "extractive" })).toBeGreaterThan(0);
      // One local embedding per ingested chunk and per non-keyword, uncached query.
      expect(total(exp, "embeddings_computed_total", { model: "local-hash-v1" })).toBeGreaterThan(3);
      expect(total(exp, "db_query_duration_seconds_count", { pool: "primary" })).toBeGreaterThan(0);
      // 4xx are not errors.
      expect(total(exp, "errors_total", { route: "/v1/conversations/:id" })).toBe(0);
    } finally {
      await app.close();
    }
  });
});
