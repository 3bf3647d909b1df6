/**
 * METRICS_PORT against the real entry point: `/metrics` is served only on that port (the app port
 * answers 404), the probes stay on the app port, scrapes keep working while the app drains, and with
 * WORKERS=2 every worker's metrics listener answers with the cluster's aggregate.
 */

import { APP_METRICS, HTTP_PATHS } from "@mcp-stack/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExposition, total } from "../telemetry/prom-text.js";
import {
  baseEnv,
  type ChildApp,
  holdRequest,
  httpRequest,
  serveDatabase,
  startChildApp,
  startTwoWorkers,
  type WireDatabase,
  workersAnswering,
} from "./child-app.js";

const live = { route: HTTP_PATHS.live, method: "GET", status: "200" };

async function scrape(app: ChildApp) {
  const res = await httpRequest(`${app.metricsUrl}${HTTP_PATHS.metrics}`);
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return { exp: parseExposition(res.body), worker: res.headers["x-worker-id"] };
}

describe("METRICS_PORT (one process)", () => {
  let database: WireDatabase;
  let app: ChildApp;

  beforeAll(async () => {
    database = await serveDatabase(1);
    app = await startChildApp(baseEnv(database.url()), { metricsPort: true });
    await app.listening();
  });
  afterAll(async () => {
    app?.kill();
    await database?.stop();
  });

  it("logs the metrics address beside the app's (the started record)", () => {
    const port = new URL(app.metricsUrl!).port;
    expect(app.output()).toMatch(new RegExp(`mcp-backend listening on \\S+:${app.port}`));
    const started = app
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; metrics?: string })
      .find((r) => r.msg === "started");
    expect(started?.metrics).toBe(`http://0.0.0.0:${port}${HTTP_PATHS.metrics}`);
  });

  it("serves /metrics on the metrics port only, counting the app port's requests", async () => {
    const REQUESTS = 5;
    for (let i = 0; i < REQUESTS; i++) {
      expect((await httpRequest(`${app.baseUrl}${HTTP_PATHS.live}`)).status).toBe(200);
    }
    expect((await httpRequest(`${app.baseUrl}${HTTP_PATHS.metrics}`)).status).toBe(404);
    const { exp } = await scrape(app);
    for (const def of Object.values(APP_METRICS)) expect(exp.typeLines.get(def.name), def.name).toBe(1);
    expect(total(exp, "http_requests_total", live)).toBe(REQUESTS);
    // Scrapes are not app requests: no /metrics series on either side.
    expect(total(exp, "http_requests_total", { route: HTTP_PATHS.metrics })).toBe(0);
  });

  it("keeps the probes on the app port and answers 404 to them on the metrics port", async () => {
    expect((await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`)).status).toBe(200);
    for (const path of [HTTP_PATHS.live, HTTP_PATHS.ready, HTTP_PATHS.health, "/v1/conversations"]) {
      expect((await httpRequest(`${app.metricsUrl}${path}`)).status, path).toBe(404);
    }
  });

  it("answers scrapes while draining, then closes the metrics port and exits 0", async () => {
    const held = await holdRequest(
      `${app.baseUrl}/v1/conversations`,
      JSON.stringify({ id: "metrics-drain", messages: [{ role: "user", content: "held during the drain" }] }),
    );
    app.child.kill("SIGTERM");
    let ready = await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`);
    for (let polls = 0; ready.status === 200 && polls < 500; polls++) {
      ready = await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`);
    }
    expect(ready.status).toBe(503);
    // The held request keeps the app draining; Prometheus still sees the pod, draining included.
    const { exp } = await scrape(app);
    expect(total(exp, "http_requests_total", { route: HTTP_PATHS.ready, status: "503" })).toBeGreaterThan(0);
    expect(app.child.exitCode).toBeNull();

    expect((await held.send()).status).toBe(201);
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain("mcp-backend stopped");
    await expect(httpRequest(`${app.metricsUrl}${HTTP_PATHS.metrics}`)).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});

describe("METRICS_PORT with WORKERS=2", () => {
  let app: ChildApp;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ app, stop } = await startTwoWorkers({ metricsPort: true }));
  });
  afterAll(async () => {
    await stop?.();
  });

  it("answers every scrape, from either worker, with the requests of both workers summed", async () => {
    const REQUESTS = 20;
    const workers = await workersAnswering(app, REQUESTS);
    expect(workers.size).toBe(2);
    for (let i = 0; i < 2; i++) {
      expect((await httpRequest(`${app.baseUrl}${HTTP_PATHS.metrics}`)).status).toBe(404);
    }

    const scrapers = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const { exp, worker } = await scrape(app);
      scrapers.add(String(worker));
      expect(total(exp, "http_requests_total", live)).toBe(REQUESTS);
      for (const def of Object.values(APP_METRICS)) expect(exp.typeLines.get(def.name), def.name).toBe(1);
    }
    // Both workers listen on the metrics port; each asked the primary for the aggregate.
    expect(scrapers).toEqual(workers);
  });

  it("stops both workers on SIGTERM and exits 0", async () => {
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
    expect(app.output().split("mcp-backend stopped").length - 1).toBe(2);
  });
});
