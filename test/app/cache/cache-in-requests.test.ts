/**
 * The cache in the request path: repeated searches are hits, an ingest or delete is visible to the
 * very next search (memory and real Redis), and a Redis outage never fails a request.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CacheType } from "../../../app/src/cache/types.js";
import type { TelemetryPlugins } from "../../../app/src/server.js";
import { type RedisServer, startRedisServer } from "../../helpers/redis-server.js";
import { startApp, useDatabase } from "../helpers.js";

type Counts = Record<CacheType, { hits: number; misses: number }>;

function counting(): { telemetry: TelemetryPlugins; counts: Counts } {
  const counts: Counts = {
    embedding: { hits: 0, misses: 0 },
    search: { hits: 0, misses: 0 },
    rag: { hits: 0, misses: 0 },
  };
  return {
    counts,
    telemetry: {
      fastifyPlugin: async () => {},
      cacheHooks: {
        onHit: (type) => {
          counts[type].hits++;
        },
        onMiss: (type) => {
          counts[type].misses++;
        },
      },
    },
  };
}

const conversation = (id: string, content: string) => ({
  id,
  messages: [
    { role: "user", content },
    { role: "assistant", content: "Understood." },
  ],
});

const db = useDatabase();
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => redis?.stop());

const BACKENDS: [string, () => Record<string, string>][] = [
  ["memory", () => ({ CACHE_BACKEND: "memory" })],
  ["redis", () => ({ CACHE_BACKEND: "redis", CACHE_REDIS_URL: redis.url })],
];

const ids = (res: { json(): unknown }) =>
  new Set((res.json() as { results: { conversation_id: string }[] }).results.map((r) => r.conversation_id));

describe.each(BACKENDS)("cache backend %s", (_name, env) => {
  it("serves a repeated search and answer from the cache, and a search right after an ingest or delete sees it", async () => {
    const { telemetry, counts } = counting();
    const app = await startApp(db.current.databases, {
      env: { CACHE_ENABLED: "true", RATE_LIMIT_PER_MINUTE: "0", ...env() },
      telemetry,
    });
    apps.push(app);
    const search = () =>
      app.inject({ method: "POST", url: "/v1/search", payload: { query: "sourdough starter" } });
    const ingest = (body: object) => app.inject({ method: "POST", url: "/v1/conversations", payload: body });

    expect((await ingest(conversation("bread-1", "My sourdough starter smells of acetone"))).statusCode).toBe(
      201,
    );
    expect(ids(await search())).toEqual(new Set(["bread-1"]));
    expect(counts.search).toEqual({ hits: 0, misses: 1 });
    expect(ids(await search())).toEqual(new Set(["bread-1"]));
    expect(counts.search).toEqual({ hits: 1, misses: 1 });

    expect((await ingest(conversation("bread-2", "Feed the sourdough starter twice a day"))).statusCode).toBe(
      201,
    );
    expect(ids(await search())).toEqual(new Set(["bread-1", "bread-2"]));
    expect(counts.search.misses).toBe(2);
    // The query's embedding did not change with the data: served from the cache.
    expect(counts.embedding.hits).toBeGreaterThanOrEqual(1);

    expect((await app.inject({ method: "DELETE", url: "/v1/conversations/bread-1" })).statusCode).toBe(204);
    expect(ids(await search())).toEqual(new Set(["bread-2"]));

    const answer = () =>
      app.inject({
        method: "POST",
        url: "/v1/answer",
        payload: { question: "How often to feed the starter?" },
      });
    const first = await answer();
    const second = await answer();
    expect(second.json()).toEqual(first.json());
    expect(counts.rag).toEqual({ hits: 1, misses: 1 });
  });
});

describe("a Redis outage", () => {
  it("never fails a request: search, answer, ingest, get and delete all answer 2xx with Redis gone", async () => {
    const own = await startRedisServer();
    const app = await startApp(db.current.databases, {
      env: {
        CACHE_BACKEND: "redis",
        CACHE_REDIS_URL: own.url,
        // The rate limiter uses the same Redis; it must fail open too.
        RATE_LIMIT_PER_MINUTE: "100",
      },
    });
    apps.push(app);
    const ingest = (id: string) =>
      app.inject({
        method: "POST",
        url: "/v1/conversations",
        payload: conversation(id, "Kafka consumer lag alert"),
      });
    expect((await ingest("before")).statusCode).toBe(201);
    await own.kill();
    const responses = [
      await ingest("during"),
      await app.inject({ method: "POST", url: "/v1/search", payload: { query: "consumer lag" } }),
      await app.inject({ method: "POST", url: "/v1/search", payload: { query: "consumer lag" } }),
      await app.inject({ method: "POST", url: "/v1/answer", payload: { question: "Which alert fired?" } }),
      await app.inject({ url: "/v1/conversations/during" }),
      await app.inject({ method: "DELETE", url: "/v1/conversations/before" }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([201, 200, 200, 200, 200, 204]);
    expect(ids(responses[1]!)).toEqual(new Set(["before", "during"]));
  });
});
