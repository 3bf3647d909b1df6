/**
 * Observability end to end (issue 14): a real Prometheus scrapes the real app (2 cluster workers,
 * METRICS_PORT) and real exporters with the generated config and rules, alerts travel through a real
 * Alertmanager with the generated routes to a webhook sink here. Durations are compressed by
 * TIME_SCALE through the rules and route generators themselves. Figures are printed at the end
 * (docs/observability.md quotes them).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { HTTP_PATHS, SERVICE_NAME } from "@mcp-stack/contract";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { ruleFiles } from "../../../monitoring/alerts/index.js";
import { MONITORING_CONFIG as C } from "../../../monitoring/config.js";
import { durationMs, scaleDuration } from "../../../monitoring/time-scale.js";
import { dashboardJson, toYaml } from "../../../monitoring/yaml.js";
import { httpRequest } from "../../app/lifecycle/child-app.js";
import {
  type DashboardQuery,
  dashboardQueries,
  missingSelectors,
  type QueryResult,
  runQueries,
  sourcesOf,
  substitute,
} from "./checks.js";
import { Processes } from "./daemons.js";
import type { WebhookAlert } from "./fakes.js";
import { type Stack, startStack } from "./stack.js";
import { Traffic } from "./traffic.js";

/** 1/120: 5 m → 2.5 s, 15 m → 7.5 s, the 30 s rule interval → 250 ms. */
const TIME_SCALE = 1 / 120;
const SCRAPE_INTERVAL = "500ms";
/** Grafana's $__rate_interval for this scrape interval: 4 × scrape. */
const RATE_INTERVAL = "2s";
/** Upper bound of every wait for an alert (the slowest, LowCacheHitRate, needs ~13 s here). */
const ALERT_BOUND_MS = 45_000;
const REPO = join(import.meta.dirname, "../../..");

/** Only kubelet metrics cannot exist on loopback (no cAdvisor); everything else must have data. */
// The kubelet's metrics, and CloudNativePG's (no operator runs here: the stack is staging's engine).
const UNAVAILABLE_SOURCES = new Set(["cadvisor", "cloudnative-pg"]);
const CADVISOR_JOB = `job="${C.jobs.cadvisor}"`;

// A wait for the slowest alert plus the phase before it; the whole file stays well under 2 minutes.
vi.setConfig({ testTimeout: 90_000 });

const figures: Record<string, unknown> = {};
const processes = new Processes();
let stack: Stack;
let traffic: Traffic;
/** When the steady 60 %-hit traffic began (after the seed requests). */
let cachePhaseStart = 0;
/** When HighErrorRate's failing requests began and when its resolution arrived. */
let errorPhase = { from: 0, to: 0 };

/** The harness test's twin of HighErrorRate, from the same generator, with its metric name misspelt. */
const BROKEN_ALERT = "HighErrorRateBrokenMetric";
function brokenTwinRules(): Record<string, string> {
  const rule = ruleFiles({ timeScale: TIME_SCALE })
    .flatMap((f) => f.groups.flatMap((g) => g.rules))
    .find((r) => r.alert === "HighErrorRate")!;
  const twin = { ...rule, alert: BROKEN_ALERT, expr: rule.expr.replace("errors_total", "errors_totl") };
  expect(twin.expr).not.toBe(rule.expr);
  const group = {
    name: "harness_broken_metric",
    interval: scaleDuration(C.groupInterval, TIME_SCALE),
    rules: [twin],
  };
  return { "harness-broken-metric.yml": toYaml({ groups: [group] }) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 250 ms until it returns a value (not undefined), at most `boundMs`. */
async function until<T>(what: string, boundMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/** The first notification of `alertname` with `status` received after `since` (ms since epoch). */
function notified(
  alertname: string,
  status: "firing" | "resolved",
  since: number,
  labels: Record<string, string> = {},
) {
  return until(`${alertname} ${status} at the webhook sink`, ALERT_BOUND_MS, async () =>
    stack.sink
      .alerts(alertname, status)
      .find((a) => a.receivedAt >= since && Object.entries(labels).every(([k, v]) => a.labels[k] === v)),
  );
}

/** Seconds from `since` to `alert`'s arrival, rounded to 0.1 s. */
const latency = (alert: { receivedAt: number }, since: number) =>
  Math.round((alert.receivedAt - since) / 100) / 10;

/** Whether ALERTS (pending or firing) had a series for `alertname` + `labels` in the last `ms`. */
async function wasActive(
  alertname: string,
  ms: number,
  labels: Record<string, string> = {},
): Promise<boolean> {
  const matchers = [`alertname="${alertname}"`, ...Object.entries(labels).map(([k, v]) => `${k}="${v}"`)];
  const seconds = Math.max(1, Math.floor(ms / 1000));
  return (await stack.prom.query(`max_over_time(ALERTS{${matchers.join(",")}}[${seconds}s])`)).length > 0;
}

function expectAlertShape(alert: WebhookAlert, name: string, severity: string) {
  expect(alert.labels).toMatchObject({ alertname: name, severity, team: C.team });
  expect(alert.annotations.summary, `${name} summary`).toBeTruthy();
  expect(alert.annotations.description, `${name} description`).toBeTruthy();
  // The description's template ran ({{ $value }} / {{ $labels.x }} replaced).
  expect(alert.annotations.description).not.toContain("{{");
  expect(alert.annotations.runbook_url).toBe(`${C.runbookBaseUrl}${name}.md`);
  expect(existsSync(join(REPO, alert.annotations.runbook_url!)), alert.annotations.runbook_url).toBe(true);
}

/** The dashboard Grafana loads (the generated JSON), its queries and which ones have data here. */
/**
 * The dashboard's queries split by what can have data here. A query whose `or` alternatives cover
 * several engines (postgres_exporter or CloudNativePG) is checked on the alternatives that can.
 */
function dashboardUnderTest(): { checked: DashboardQuery[]; unavailable: DashboardQuery[] } {
  const checked: DashboardQuery[] = [];
  const unavailable: DashboardQuery[] = [];
  for (const q of dashboardQueries(JSON.parse(dashboardJson()))) {
    const here = q.expr
      .split("\nor\n")
      .filter((part) => ![...sourcesOf(part)].some((s) => UNAVAILABLE_SOURCES.has(s)));
    if (here.length === 0) unavailable.push(q);
    else checked.push({ ...q, expr: here.join("\nor\n") });
  }
  return { checked, unavailable };
}

function renderedRules(): { alert: string; expr: string; for: string }[] {
  return Object.values(stack.rules).flatMap((text) =>
    (parse(text) as { groups: { rules: { alert: string; expr: string; for: string }[] }[] }).groups.flatMap(
      (g) => g.rules,
    ),
  );
}

/** The rules whose every selector can match here (not the kubelet's), selectors of cAdvisor's job dropped. */
function checkableRules() {
  return renderedRules()
    .filter((r) => ![...sourcesOf(r.expr)].some((s) => UNAVAILABLE_SOURCES.has(s)))
    .map((r) => ({
      alert: r.alert,
      expr: r.expr
        .split("\nor\n")
        .filter((part) => !part.includes(CADVISOR_JOB))
        .join("\nor\n"),
    }));
}

beforeAll(async () => {
  const started = Date.now();
  try {
    stack = await startStack(processes, {
      timeScale: TIME_SCALE,
      scrapeInterval: SCRAPE_INTERVAL,
      extraRules: brokenTwinRules(),
    });
  } catch (error) {
    await processes.stopAll().catch(() => {});
    throw error;
  }
  figures.startupSeconds = Math.round((Date.now() - started) / 100) / 10;
  traffic = new Traffic(stack.app.baseUrl, (fail) => {
    stack.openai.failEmbeddings = fail;
  });
}, 120_000);

afterAll(async () => {
  await traffic?.stop();
  await processes.stopAll();
  console.log(`observability e2e figures: ${JSON.stringify(figures, null, 2)}`);
}, 60_000);

describe("observability end to end", () => {
  it("scrapes the app through the generated relabelling (METRICS_PORT annotation) and both exporters", async () => {
    const up = await until("every target up", 20_000, async () => {
      const samples = await stack.prom.query("up == 1");
      const jobs = new Set(samples.map((s) => s.metric.job));
      return [C.jobs.app, C.jobs.redis, C.jobs.postgres].every((j) => jobs.has(j)) ? samples : undefined;
    });
    const app = up.find((s) => s.metric.job === C.jobs.app)!;
    // The pod's labels, as the relabelling derives them from the pod's metadata.
    expect(app.metric).toMatchObject({
      instance: stack.podName,
      pod: stack.podName,
      namespace: stack.env.kubernetes.namespace,
    });
    const targets = (await (await fetch(`${stack.prometheus.url}/api/v1/targets?state=active`)).json()) as {
      data: { activeTargets: { labels: Record<string, string>; scrapeUrl: string }[] };
    };
    const scrapeUrl = targets.data.activeTargets.find((t) => t.labels.job === C.jobs.app)?.scrapeUrl;
    // The annotation's port, not the container port the pod role lists.
    expect(scrapeUrl).toBe(`${stack.app.metricsUrl}${HTTP_PATHS.metrics}`);
  });

  it("has data for every dashboard query over app, Redis and Postgres metrics, 0 % errors before the first", async () => {
    // Seed: one stored conversation, an answer asked twice (rag hit), a search that reuses its query
    // embedding (embedding hit): every cache's hit ratio stays above LowCacheHitRate's threshold.
    const post = (path: string, body: unknown) =>
      httpRequest(`${stack.app.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect(
      (
        await post("/v1/conversations", {
          messages: [{ role: "user", content: "The e2e suite watches the warm query." }],
        })
      ).status,
    ).toBe(201);
    for (let i = 0; i < 2; i++)
      expect((await post("/v1/answer", { question: "what does the suite watch" })).status).toBe(200);
    expect(
      (await post("/v1/search", { query: "what does the suite watch", mode: "hybrid", k: 3 })).status,
    ).toBe(200);
    expect(await traffic.search(true)).toBe(200);
    traffic.set({ hitRatio: 0.6, errorRatio: 0 });
    traffic.start();
    cachePhaseStart = Date.now();

    const { checked, unavailable } = dashboardUnderTest();
    let last: { results: QueryResult[]; failed: QueryResult[] } | undefined;
    await until("every dashboard query to return data", 30_000, async () => {
      last = await runQueries(stack.prom, checked, RATE_INTERVAL);
      return last.failed.length === 0 ? true : undefined;
    }).catch(() => {});
    expect(last!.failed.map((f) => `${f.panel}/${f.refId}: ${f.error ?? "no data"} — ${f.expr}`)).toEqual([]);
    const errorRate = last!.results.find((r) => r.panel === "Error rate")!;
    expect(errorRate.values).toEqual([0]);
    // What cannot have data on loopback is exactly the kubelet's (cAdvisor) panels and CloudNativePG's Poolers.
    expect(new Set(unavailable.map((q) => q.panel))).toEqual(
      new Set(["Memory vs limit", "Disk (container filesystems)", "Connection pooler (CloudNativePG)"]),
    );
    figures.dashboardQueries = {
      total: checked.length + unavailable.length,
      withData: last!.results.length - last!.failed.length,
      unavailableHere: unavailable.map((q) => `${q.panel}/${q.refId}`),
    };
  });

  it("has a series for every selector of every alert rule that can apply here", async () => {
    const rules = checkableRules();
    expect(await missingSelectors(stack.prom, rules)).toEqual([]);
    figures.alertRulesChecked = {
      rules: rules.length,
      selectors: rules.reduce((n, r) => n + (r.expr.match(/\{/g)?.length ?? 0), 0),
    };
  });

  describe("the harness itself", () => {
    it("fails a dashboard query whose metric name is broken", async () => {
      const { checked } = dashboardUnderTest();
      const broken = checked.map((q) =>
        q.panel === "Error rate" ? { ...q, expr: q.expr.replace("errors_total", "errors_totl") } : q,
      );
      const { failed } = await runQueries(stack.prom, broken, RATE_INTERVAL);
      expect(failed.map((f) => f.panel)).toEqual(["Error rate"]);
      expect(sourcesOf(broken.find((q) => q.panel === "Error rate")!.expr)).toContain("unknown");
    });

    it("fails an alert rule whose metric name is broken", async () => {
      const rules = checkableRules().map((r) =>
        r.alert === "RedisDown" ? { ...r, expr: r.expr.replace("redis_up", "redis_upp") } : r,
      );
      expect(await missingSelectors(stack.prom, rules)).toEqual([
        { alert: "RedisDown", selector: 'redis_upp{job="redis"}' },
      ]);
    });
  });

  it("keeps HighErrorRate silent at 1 % failed requests, delivers it (labels, annotations, runbook_url) at 20 %, and its resolution", async () => {
    // Below the threshold first: 1 % of requests fail for longer than the window plus `for`, and the
    // alert must not even be pending once the window holds only that traffic.
    const window = durationMs(C.windows.errors) * TIME_SCALE;
    const forMs = durationMs(C.for.highErrorRate) * TIME_SCALE;
    const lowFrom = Date.now();
    traffic.set({ hitRatio: 0.6, errorRatio: 0.01 });
    await sleep(window + 1500 + forMs + 1500);
    const failuresBelow = traffic.counts.failures;
    expect(failuresBelow).toBeGreaterThan(0);
    expect(await wasActive("HighErrorRate", Date.now() - lowFrom - window - 1500)).toBe(false);
    expect(stack.sink.alerts("HighErrorRate")).toEqual([]);

    const errorsFrom = Date.now();
    traffic.set({ hitRatio: 0.6, errorRatio: 0.2 });
    const firing = await notified("HighErrorRate", "firing", errorsFrom);
    expectAlertShape(firing, "HighErrorRate", "critical");
    expect(firing.labels.job).toBe(C.jobs.app);
    expect(firing.annotations.description).toMatch(/Error rate is \d+(\.\d+)?% of requests/);

    const errorsUntil = Date.now();
    traffic.set({ hitRatio: 0.6, errorRatio: 0 });
    const resolved = await notified("HighErrorRate", "resolved", errorsUntil);
    errorPhase = { from: errorsFrom, to: resolved.receivedAt };
    expect(resolved.labels.alertname).toBe("HighErrorRate");
    figures.highErrorRate = {
      for: scaleDuration(C.for.highErrorRate, TIME_SCALE),
      window: scaleDuration(C.windows.errors, TIME_SCALE),
      silentAt: "1 %",
      silentFailures: failuresBelow,
      firingAt: "20 %",
      firingAfterSeconds: latency(firing, errorsFrom),
      resolvedAfterSeconds: latency(resolved, errorsUntil),
      failuresSent: traffic.counts.failures,
    };
  });

  it("harness: the twin of HighErrorRate with errors_total misspelt never fired on the same failures", async () => {
    expect(errorPhase.to).toBeGreaterThan(errorPhase.from);
    // Loaded beside the generated rules, same expression but the metric name: what the suite's alert
    // checks (the webhook wait, ALERTS) see of an alert whose metric was renamed.
    const rules = (await (await fetch(`${stack.prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const twin = rules.data.groups.flatMap((g) => g.rules).find((r) => r.name === BROKEN_ALERT);
    // Prometheus evaluates it happily ("ok"): a misspelt metric is no error, just never any data.
    expect(twin?.health).toBe("ok");
    expect(await wasActive(BROKEN_ALERT, Date.now() - errorPhase.from)).toBe(false);
    expect(stack.sink.alerts(BROKEN_ALERT)).toEqual([]);
    expect(stack.sink.alerts("HighErrorRate", "firing").length).toBeGreaterThan(0);
  });

  it("keeps LowCacheHitRate silent at 60 % search-cache hits and fires it at 20 %", async () => {
    // The 60 % traffic has run since the dashboard test. Once the cache window holds only it (the
    // seed's misses have left the window), the alert must not even be pending, for longer than `for`.
    const window = durationMs(C.windows.cache) * TIME_SCALE;
    const forMs = durationMs(C.for.lowCacheHitRate) * TIME_SCALE;
    const steadyFrom = cachePhaseStart + window + 1500;
    const silentUntil = steadyFrom + forMs + 1500;
    if (Date.now() < silentUntil) await sleep(silentUntil - Date.now());
    // The dashboard's own "Hit rate" query, over the alert's window.
    const hitRateQuery = dashboardQueries(JSON.parse(dashboardJson())).find((q) => q.panel === "Hit rate")!;
    const hitRate = (
      await stack.prom.query(substitute(hitRateQuery.expr, scaleDuration(C.windows.cache, TIME_SCALE)))
    ).find((s) => s.metric.cache === "search");
    const observed = Number(hitRate?.value[1]);
    expect(observed).toBeGreaterThan(0.45);
    expect(observed).toBeLessThan(0.75);
    const silentMs = Date.now() - steadyFrom;
    expect(await wasActive("LowCacheHitRate", silentMs)).toBe(false);
    expect(stack.sink.alerts("LowCacheHitRate")).toEqual([]);

    const lowFrom = Date.now();
    traffic.set({ hitRatio: 0.2, errorRatio: 0 });
    const firing = await notified("LowCacheHitRate", "firing", lowFrom, { cache: "search" });
    expectAlertShape(firing, "LowCacheHitRate", "warning");
    expect(firing.annotations.description).toMatch(/search cache is \d+(\.\d+)?%/);
    figures.lowCacheHitRate = {
      for: scaleDuration(C.for.lowCacheHitRate, TIME_SCALE),
      window: scaleDuration(C.windows.cache, TIME_SCALE),
      silentAt: Math.round(observed * 100) / 100,
      silentForSeconds: Math.floor(silentMs / 1000),
      firingAfterSeconds: latency(firing, lowFrom),
    };
    traffic.set({ hitRatio: 0.6, errorRatio: 0 });
  });

  it("delivers RedisDown when Redis stops", async () => {
    const from = Date.now();
    await stack.redis.kill();
    const firing = await notified("RedisDown", "firing", from);
    expectAlertShape(firing, "RedisDown", "critical");
    expect(firing.labels.job).toBe(C.jobs.redis);
    figures.redisDown = {
      for: scaleDuration(C.for.dataTierDown, TIME_SCALE),
      firingAfterSeconds: latency(firing, from),
    };
  });

  it("counts in Prometheus exactly the searches both workers answered (the cluster aggregate)", async () => {
    await traffic.stop();
    expect([...traffic.workers].sort()).toEqual(["1", "2"]);
    // The seed's hybrid search and warm-up keyword search, plus the traffic's.
    const sent = traffic.counts.searches + 2;
    const query = `sum(http_requests_total{job="${SERVICE_NAME}",route="/v1/search",method="POST"})`;
    let scraped = 0;
    await until(`${query} = ${sent}`, 10_000, async () => {
      scraped = Number((await stack.prom.query(query))[0]?.value[1]);
      return scraped === sent ? true : undefined;
    }).catch(() => {});
    expect(scraped).toBe(sent);
    figures.searchesCounted = { sent, scraped };
  });

  it("delivers ServiceDown when the app stops", async () => {
    const from = Date.now();
    stack.app.child.kill("SIGTERM");
    expect(await stack.app.exited).toBe(0);
    const firing = await notified("ServiceDown", "firing", from);
    expectAlertShape(firing, "ServiceDown", "critical");
    expect(firing.labels).toMatchObject({ job: C.jobs.app, instance: stack.podName });
    figures.serviceDown = {
      for: scaleDuration(C.for.serviceDown, TIME_SCALE),
      firingAfterSeconds: latency(firing, from),
    };
    figures.traffic = { ...traffic.counts, unexpected: traffic.counts.unexpected.slice(0, 10) };
    figures.alertsAtSink = [
      ...new Set(
        stack.sink.notifications.flatMap((n) => n.alerts.map((a) => `${a.labels.alertname}:${a.status}`)),
      ),
    ].sort();
  });
});
