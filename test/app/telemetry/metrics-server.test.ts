/**
 * METRICS_PORT in one process: the app without its `/metrics` route (404 there, also with auth on),
 * and the scrape listener serving the same telemetry's text, 404 for anything else, 500 on a failed
 * scrape, closed by `close()`.
 */

import { APP_METRICS, HTTP_PATHS } from "@mcp-stack/contract";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createAppTelemetry } from "../../../app/src/telemetry/app-telemetry.js";
import { type MetricsServer, startMetricsServer } from "../../../app/src/telemetry/metrics-server.js";
import { startApp, testConfig, useDatabase } from "../helpers.js";
import { httpRequest } from "../lifecycle/child-app.js";
import { parseExposition, total } from "./prom-text.js";

const db = useDatabase();
const config = testConfig();
let app: FastifyInstance | undefined;
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  await app?.close();
  server = undefined;
  app = undefined;
});

describe("the METRICS_PORT listener", () => {
  it("serves the app's metrics, counting requests made to the app, while the app answers 404 for /metrics", async () => {
    const telemetry = createAppTelemetry({ config, defaultMetrics: false, metricsRoute: false });
    app = await startApp(db.current.databases, { telemetry });
    server = await startMetricsServer({ host: "127.0.0.1", port: 0, scrape: telemetry.scrape });
    expect(server.address).toBe(`http://127.0.0.1:${server.port}`);

    const LIVE = 3;
    for (let i = 0; i < LIVE; i++) {
      expect((await app.inject({ method: "GET", url: HTTP_PATHS.live })).statusCode).toBe(200);
    }
    expect((await app.inject({ method: "GET", url: HTTP_PATHS.metrics })).statusCode).toBe(404);

    const res = await httpRequest(`${server.address}${HTTP_PATHS.metrics}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const exp = parseExposition(res.body);
    for (const def of Object.values(APP_METRICS)) expect(exp.typeLines.get(def.name), def.name).toBe(1);
    expect(total(exp, "http_requests_total", { route: HTTP_PATHS.live, method: "GET", status: "200" })).toBe(
      LIVE,
    );
    // The app's 404 for /metrics is an unmatched request; the scrape itself is not an app request.
    expect(total(exp, "http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
    expect(total(exp, "http_requests_total", { route: HTTP_PATHS.metrics })).toBe(0);
  });

  it("keeps the app's /metrics a 404 with API_KEYS set (not a 401 inviting a key)", async () => {
    const telemetry = createAppTelemetry({ config, defaultMetrics: false, metricsRoute: false });
    app = await startApp(db.current.databases, { telemetry, env: { API_KEYS: "k:acme" } });
    expect((await app.inject({ method: "GET", url: HTTP_PATHS.metrics })).statusCode).toBe(404);
  });

  it("still routes /metrics on the app when the option is left at its default", async () => {
    const telemetry = createAppTelemetry({ config, defaultMetrics: false });
    app = await startApp(db.current.databases, { telemetry });
    expect((await app.inject({ method: "GET", url: HTTP_PATHS.metrics })).statusCode).toBe(200);
  });

  it("answers 404 to every other path and method, and 500 when the scrape fails", async () => {
    let fail = false;
    server = await startMetricsServer({
      host: "127.0.0.1",
      port: 0,
      scrape: async () => {
        if (fail) throw new Error("primary gone");
        return { contentType: "text/plain; version=0.0.4", body: "up 1\n" };
      },
    });
    const url = (path: string) => `${server!.address}${path}`;
    expect((await httpRequest(url(`${HTTP_PATHS.metrics}?name[]=up`))).body).toBe("up 1\n");
    for (const path of [
      HTTP_PATHS.live,
      HTTP_PATHS.ready,
      HTTP_PATHS.health,
      HTTP_PATHS.mcp,
      "/",
      "/metricsx",
    ]) {
      expect((await httpRequest(url(path))).status, path).toBe(404);
    }
    expect((await httpRequest(url(HTTP_PATHS.metrics), { method: "POST", body: "" })).status).toBe(404);
    fail = true;
    expect((await httpRequest(url(HTTP_PATHS.metrics))).status).toBe(500);
  });

  it("stops accepting connections once closed", async () => {
    const running = await startMetricsServer({
      host: "127.0.0.1",
      port: 0,
      scrape: async () => ({ contentType: "text/plain", body: "" }),
    });
    expect((await httpRequest(`${running.address}${HTTP_PATHS.metrics}`)).status).toBe(200);
    await running.close();
    await expect(httpRequest(`${running.address}${HTTP_PATHS.metrics}`)).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});
