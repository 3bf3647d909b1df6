/**
 * Readiness follows the database without a restart (pg driver over pglite-socket, stopped and
 * started again on the same port), data routes answer 503 with Retry-After meanwhile, and it turns
 * false while the app drains.
 */
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { HTTP_PATHS } from "@mcp-stack/contract";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { PostgresDatabase } from "../../../app/src/db/postgres-database.js";
import { DB_RETRY_AFTER_SECONDS } from "../../../app/src/plugins/app/error-handler.js";
import { freePort } from "../../helpers/redis-server.js";
import { openTestPglite, startApp } from "../helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(db: PgliteDatabase, port: number): Promise<PGLiteSocketServer> {
  const server = new PGLiteSocketServer({ db: db.pglite, host: "127.0.0.1", port });
  await server.start();
  return server;
}

/** /health/ready until it answers `status` (at most 50 tries, 20 ms apart); the last answer. */
async function pollReady(app: FastifyInstance, status: number) {
  let res = await app.inject({ url: HTTP_PATHS.ready });
  for (let i = 0; i < 50 && res.statusCode !== status; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    res = await app.inject({ url: HTTP_PATHS.ready });
  }
  return res;
}

describe("readiness", () => {
  it("turns false with a clear 503 on data routes while the database is down, and true again when it returns", async () => {
    const pglite = await openTestPglite();
    cleanups.push(() => pglite.close());
    const port = await freePort();
    let server = await serve(pglite, port);
    cleanups.push(() => server.stop());
    const pg = new PostgresDatabase({
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
      max: 1,
    });
    cleanups.push(() => pg.close());
    const app: FastifyInstance = await startApp(
      { primary: pg, replica: pg },
      { env: { RATE_LIMIT_PER_MINUTE: "0" } },
    );
    cleanups.push(() => app.close());
    // A new query each time: a cached result would be served without the database.
    let n = 0;
    const search = () =>
      app.inject({ method: "POST", url: "/v1/search", payload: { query: `query ${n++}` } });

    expect((await app.inject({ url: HTTP_PATHS.ready })).statusCode).toBe(200);
    expect((await search()).statusCode).toBe(200);

    await server.stop();
    // The client sees its socket close a few event-loop turns later: bounded by attempts, not time.
    const down = await pollReady(app, 503);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: "unavailable", checks: { database: "unavailable" } });
    const refused = await search();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers["retry-after"]).toBe(String(DB_RETRY_AFTER_SECONDS));
    expect(refused.json()).toEqual({
      error: { code: "DB_UNAVAILABLE", message: "The database is unavailable; retry later" },
    });
    expect((await app.inject({ url: HTTP_PATHS.live })).statusCode).toBe(200);

    server = await serve(pglite, port);
    expect((await pollReady(app, 200)).statusCode).toBe(200);
    expect((await search()).statusCode).toBe(200);
  });

  it("answers 503 draining while app.draining is set, with the database up", async () => {
    const pglite = await openTestPglite();
    cleanups.push(() => pglite.close());
    const app = await startApp({ primary: pglite, replica: pglite });
    cleanups.push(() => app.close());
    expect(app.draining).toBe(false);
    app.draining = true;
    const res = await app.inject({ url: HTTP_PATHS.ready });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: "draining" });
    expect((await app.inject({ url: HTTP_PATHS.live })).statusCode).toBe(200);
  });
});
