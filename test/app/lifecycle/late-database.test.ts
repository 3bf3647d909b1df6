/**
 * First deploy: the app's pods start before the database accepts connections. Against the real entry
 * point, with nothing listening on DATABASE_URL's port at first: the app listens, stays alive
 * (`/health/live` 200, the process running), is not ready (`/health/ready` 503) and, once a database
 * comes up on that port, applies its migrations and turns ready without a restart.
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../helpers/redis-server.js";
import {
  baseEnv,
  type ChildApp,
  httpRequest,
  serveDatabase,
  startChildApp,
  type WireDatabase,
} from "./child-app.js";

describe("a database that comes up after the app", () => {
  let database: WireDatabase | undefined;
  let app: ChildApp | undefined;
  afterAll(async () => {
    app?.kill();
    await database?.stop();
  });

  it("keeps the app alive and unready until the database answers, then ready without a restart", async () => {
    const port = await freePort();
    app = await startChildApp(baseEnv(`postgres://postgres@127.0.0.1:${port}/postgres`));
    await app.listening();

    // Several probe rounds with no database: alive, not ready, still the same process.
    for (let round = 0; round < 3; round++) {
      expect((await httpRequest(`${app.baseUrl}${HTTP_PATHS.live}`)).status).toBe(200);
      const ready = await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toMatchObject({ checks: { database: "unavailable" } });
    }
    // At least one retry was scheduled with back-off before the database exists.
    while (!app.output().includes("database still not available"))
      await new Promise((r) => setTimeout(r, 50));
    expect(app.child.exitCode).toBeNull();

    // Empty: ready only once the app's own retried migrations have run.
    database = await serveDatabase(1, { port, empty: true });
    let ready = await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`);
    for (let polls = 0; ready.status !== 200 && polls < 400; polls++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`);
    }
    expect(ready.status).toBe(200);
    expect(app.child.exitCode).toBeNull();
    expect(app.output()).toContain("database available; migrations applied");
    // It serves, too: a read through the API.
    expect((await httpRequest(`${app.baseUrl}/v1/conversations?limit=1`)).status).toBe(200);
  }, 90_000);
});
