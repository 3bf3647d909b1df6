/**
 * Load figures (issue 15, point 1): autocannon, 200 connections of mixed ingest/search/answer, on
 * embedded defaults (one process, PGlite under a data directory) and on Postgres (PGlite over
 * pglite-socket in its own process) + Redis with 2 workers. Reports req/s, p50/p99/max and errors,
 * plus what explains the tail: kernel accept-queue drops and a fresh-connection prober's worst time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildApp, startChildApp } from "../app/lifecycle/child-app.js";
import { startRedisServer } from "../helpers/redis-server.js";
import { listenDrops, record, startDatabaseProcess } from "./support.js";
import { mixedRequest, seedConversations } from "./workload.js";

const DURATION = Number(process.env.RELIABILITY_DURATION ?? 20);
const CONNECTIONS = 200;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/**
 * A new connection (no keep-alive) to /health/live every 200 ms. Its worst time is the accept-queue wait
 * plus the wait behind the load in the app's event loop: an upper bound on the first, not a measure of it.
 */
function probeFreshConnections(baseUrl: string): { stop(): number } {
  let worst = 0;
  let stopped = false;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(`${baseUrl}/health/live`, { agent: false }, (res) => {
        res.resume();
        res.on("end", () => {
          worst = Math.max(worst, performance.now() - started);
          resolve();
        });
      });
      req.on("error", () => resolve());
      req.end();
    });
  void (async () => {
    while (!stopped) {
      await once();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    stop: () => {
      stopped = true;
      return worst;
    },
  };
}

async function loadRun(label: string, app: ChildApp, how: string): Promise<void> {
  await seedConversations(app.baseUrl, 1, 60);
  let n = 0;
  const before = await listenDrops();
  const prober = probeFreshConnections(app.baseUrl);
  const result = await autocannon({
    url: app.baseUrl,
    connections: CONNECTIONS,
    duration: DURATION,
    timeout: 30,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (req) => {
          const r = mixedRequest(2, n++);
          return { ...req, path: r.path, body: JSON.stringify(r.body) };
        },
      },
    ],
  });
  const worstFresh = prober.stop();
  const after = await listenDrops();
  const errors = result.errors + result.timeouts + result.non2xx;
  const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
  await record("1-load", [
    {
      name: `${label}: mixed ingest/search/answer, ${CONNECTIONS} connections × ${DURATION} s`,
      value:
        `${Math.round(result.requests.average)} req/s (${result.requests.total} requests), ` +
        `p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}, max ${ms(result.latency.max)}; ` +
        `errors ${errors} (${result.non2xx} non-2xx, ${result.errors} socket errors, ${result.timeouts} timeouts)`,
      how,
    },
    {
      name: `${label}: tail evidence`,
      value:
        `kernel accept-queue overflows ${after.overflows - before.overflows}, drops ${after.drops - before.drops}; ` +
        `worst fresh-connection /health/live ${ms(worstFresh)}; p99.9 ${ms(result.latency.p99_9)}`,
      how: "/proc/net/netstat TcpExt ListenOverflows/ListenDrops before and after; a probe on a new connection every 200 ms",
    },
  ]);
  expect(result.requests.total).toBeGreaterThan(0);
}

describe("load", () => {
  it("embedded defaults: one process, PGlite under a data directory", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mcp-load-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const app = await startChildApp({ DATA_DIR: dir, RATE_LIMIT_PER_MINUTE: "0", LOG_LEVEL: "warn" });
    cleanups.push(async () => {
      app.child.kill("SIGTERM");
      await app.exited;
    });
    await app.listening();
    await loadRun(
      "embedded defaults",
      app,
      `load.run.ts, DATA_DIR=<tmp> RATE_LIMIT_PER_MINUTE=0, autocannon -c ${CONNECTIONS} -d ${DURATION}`,
    );
  });

  it("Postgres (PGlite over pglite-socket) + Redis, 2 workers", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mcp-load-pg-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const db = await startDatabaseProcess(dir, undefined, 4);
    cleanups.push(() => db.stop());
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const app = await startChildApp({
      DATABASE_URL: db.url,
      DB_POOL_SIZE: "1",
      DB_MAX_OVERFLOW: "0",
      WORKERS: "2",
      CACHE_BACKEND: "redis",
      CACHE_REDIS_URL: redis.url,
      RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "warn",
    });
    cleanups.push(async () => {
      app.child.kill("SIGTERM");
      await app.exited;
    });
    await app.listening(2);
    await loadRun(
      "Postgres (pglite-socket) + Redis, 2 workers",
      app,
      `load.run.ts, WORKERS=2 DB_POOL_SIZE=1 CACHE_BACKEND=redis RATE_LIMIT_PER_MINUTE=0, autocannon -c ${CONNECTIONS} -d ${DURATION}`,
    );
  });
});
