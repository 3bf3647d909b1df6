/**
 * WORKERS=2 against the real entry point: both workers serve, `/metrics` is the aggregate of both
 * (each family and series once, counters summed), and SIGTERM to the primary stops everything with 0.
 */

import { APP_METRICS, HTTP_PATHS } from "@mcp-stack/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildApp, httpRequest, startTwoWorkers, workersAnswering } from "./lifecycle/child-app.js";
import { parseExposition, total } from "./telemetry/prom-text.js";

describe("cluster mode (WORKERS=2)", () => {
  let app: ChildApp;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ app, stop } = await startTwoWorkers());
  });
  afterAll(async () => {
    await stop?.();
  });

  it("serves from both workers and reports their requests summed, each series once", async () => {
    const REQUESTS = 40;
    expect((await workersAnswering(app, REQUESTS)).size).toBe(2);

    const res = await httpRequest(`${app.baseUrl}${HTTP_PATHS.metrics}`);
    expect(res.status).toBe(200);
    const exp = parseExposition(res.body);
    expect(total(exp, "http_requests_total", { route: HTTP_PATHS.live, method: "GET", status: "200" })).toBe(
      REQUESTS,
    );
    for (const def of Object.values(APP_METRICS)) expect(exp.typeLines.get(def.name), def.name).toBe(1);
    const series = exp.samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`);
    expect(series.length).toBe(new Set(series).size);
    // The pod's two pools of one connection each.
    expect(total(exp, "db_connections_max", { pool: "primary" })).toBe(2);
  });

  it("forwards SIGTERM to the workers and exits 0 once both have stopped", async () => {
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
    expect(app.output().split("mcp-backend stopped").length - 1).toBe(2);
  });
});
