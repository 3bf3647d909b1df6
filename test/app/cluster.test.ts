/**
 * WORKERS=2 against the real entry point: both workers serve, `/metrics` is the aggregate of both
 * (each family and series once, counters summed), and SIGTERM to the primary stops everything with 0.
 */

import { APP_METRICS, HTTP_PATHS } from "@mcp-stack/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseEnv,
  type ChildApp,
  httpRequest,
  serveDatabase,
  startChildApp,
  type WireDatabase,
} from "./lifecycle/child-app.js";
import { parseExposition, total } from "./telemetry/prom-text.js";

describe("cluster mode (WORKERS=2)", () => {
  let database: WireDatabase;
  let app: ChildApp;

  beforeAll(async () => {
    // One pooled connection per worker (DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0), plus a spare.
    database = await serveDatabase(3);
    app = await startChildApp({ ...baseEnv(database.url()), WORKERS: "2" });
    await app.listening(2);
  });
  afterAll(async () => {
    app?.kill();
    await database?.stop();
  });

  it("serves from both workers and reports their requests summed, each series once", async () => {
    const REQUESTS = 40;
    const workers = new Set<string>();
    for (let i = 0; i < REQUESTS; i++) {
      const res = await httpRequest(`${app.baseUrl}${HTTP_PATHS.live}`);
      expect(res.status).toBe(200);
      workers.add(String(res.headers["x-worker-id"]));
    }
    expect(workers.size).toBe(2);

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
