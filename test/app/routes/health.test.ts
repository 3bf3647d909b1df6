import { HTTP_PATHS } from "@mcp-stack/contract";
import { afterEach, describe, expect, it } from "vitest";
import { openTestPglite, startApp, useApp } from "../helpers.js";

describe("probes", () => {
  const t = useApp();

  it("reports live, ready and healthy on a migrated database", async () => {
    expect((await t.app.inject({ url: HTTP_PATHS.live })).json()).toMatchObject({ status: "ok" });
    const ready = await t.app.inject({ url: HTTP_PATHS.ready });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ok", checks: { database: "ok" } });
    expect((await t.app.inject({ url: HTTP_PATHS.health })).json()).toMatchObject({
      status: "ok",
      checks: { database: "ok" },
    });
  });

  it("answers 404 in the error format for unknown routes", async () => {
    const res = await t.app.inject({ url: "/v2/nothing" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: "NOT_FOUND", message: "Route GET /v2/nothing not found" });
  });
});

describe("probes and routes without a database", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("stays live, turns unready, and answers 503 instead of 500", async () => {
    const db = await openTestPglite();
    const app = await startApp({ primary: db, replica: db });
    close = () => app.close();
    await db.close();
    expect((await app.inject({ url: HTTP_PATHS.live })).statusCode).toBe(200);
    const ready = await app.inject({ url: HTTP_PATHS.ready });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: "unavailable", checks: { database: "unavailable" } });
    // /health is what the reference's liveness probe calls: degraded, but not failing.
    const health = await app.inject({ url: HTTP_PATHS.health });
    expect(health.statusCode).toBe(200);
    expect(health.json().status).toBe("degraded");
    const search = await app.inject({ method: "POST", url: "/v1/search", payload: { query: "x" } });
    expect(search.statusCode).toBe(503);
    expect(search.json().error.code).toBe("DB_UNAVAILABLE");
    const ingest = await app.inject({
      method: "POST",
      url: "/v1/conversations",
      payload: { messages: [{ role: "user", content: "x" }] },
    });
    expect(ingest.statusCode).toBe(503);
  });
});
