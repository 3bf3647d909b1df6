/**
 * SIGTERM with requests in flight, against the real entry point: readiness turns 503 while the
 * requests finish, every request gets its answer, and the process exits 0.
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseEnv,
  type ChildApp,
  holdRequest,
  httpRequest,
  serveDatabase,
  startChildApp,
  type WireDatabase,
} from "./child-app.js";

function conversation(n: number): string {
  const messages = Array.from({ length: 40 }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: `Conversation ${n}, message ${i}: the connection pool of the replica was exhausted during the deploy.`,
  }));
  return JSON.stringify({ id: `drain-${n}`, messages });
}

describe("graceful shutdown", () => {
  let database: WireDatabase;
  let app: ChildApp;

  beforeAll(async () => {
    database = await serveDatabase(1);
    app = await startChildApp(baseEnv(database.url()));
    await app.listening();
  });
  afterAll(async () => {
    app?.kill();
    await database?.stop();
  });

  it("answers every in-flight request, reports draining on /health/ready, then exits 0", async () => {
    expect((await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`)).status).toBe(200);
    const N = 6;
    const held = await Promise.all(
      Array.from({ length: N }, (_, n) => holdRequest(`${app.baseUrl}/v1/conversations`, conversation(n))),
    );

    app.child.kill("SIGTERM");
    // The listener stays open while requests are in flight; readiness says "draining" meanwhile.
    let ready = await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`);
    for (let polls = 0; ready.status === 200 && polls < 500; polls++) {
      ready = await httpRequest(`${app.baseUrl}${HTTP_PATHS.ready}`);
    }
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: "draining" });
    expect(app.child.exitCode).toBeNull();

    const answers = await Promise.all(held.map((h) => h.send()));
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(201));
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain("mcp-backend stopped");

    // Every ingest was committed before the pools closed.
    const rows = await database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM conversations WHERE id LIKE 'drain-%'",
    );
    expect(rows[0]?.n).toBe(N);
  });
});
