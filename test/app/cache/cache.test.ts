/** One behaviour suite, run against the memory backend and against a real redis-server. */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Cache, type CacheKey, createCache } from "../../../app/src/cache/index.js";
import { type RedisServer, startRedisServer } from "../../helpers/redis-server.js";
import { type CapturedLogger, cacheConfig, captureLogs, countingHooks, TestClock } from "./support.js";

/** TTLs of the reference design's production example (CACHE_SEARCH_TTL left out to test the fallback). */
const PROD_TTL_ENV = { CACHE_DEFAULT_TTL: "3600", CACHE_EMBEDDING_TTL: "7200", CACHE_RAG_TTL: "1800" };
const EXPECTED_TTL_SECONDS = { embedding: 7200, search: 3600, rag: 1800 } as const;

const embeddingKey = (text: string): CacheKey => ({
  type: "embedding",
  provider: "local",
  model: "local-hash-v1",
  dimensions: 384,
  text,
});
const searchKey = (tenant: string, query: string): CacheKey => ({
  type: "search",
  tenant,
  request: { query, k: 10, mode: "hybrid" },
});
const ragKey = (tenant: string, question: string): CacheKey => ({
  type: "rag",
  tenant,
  request: { question },
});

interface Backend {
  name: string;
  env(): Record<string, string>;
  /** Asserts that an entry of `type` (the only one stored) expires after `seconds`. */
  expectTtl(cache: Cache, key: CacheKey, clock: TestClock, seconds: number): Promise<void>;
}

let redis: RedisServer;
let admin: Redis;

const memory: Backend = {
  name: "memory",
  env: () => ({ CACHE_BACKEND: "memory" }),
  async expectTtl(cache, key, clock, seconds) {
    clock.advance(seconds * 1000 - 1);
    expect(await cache.get(key)).toBeDefined();
    clock.advance(2);
    expect(await cache.get(key)).toBeUndefined();
  },
};

const redisBackend: Backend = {
  name: "redis",
  env: () => ({ CACHE_BACKEND: "redis", CACHE_REDIS_URL: redis.url }),
  // Reads the TTL Redis holds instead of waiting hours.
  async expectTtl(_cache, key, _clock, seconds) {
    const keys = await admin.keys(`${key.type}:*`);
    expect(keys).toHaveLength(1);
    const ttl = await admin.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(seconds - 3);
    expect(ttl).toBeLessThanOrEqual(seconds);
  },
};

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

describe.each([memory, redisBackend])("cache on the $name backend", (backend) => {
  let cache: Cache;
  let clock: TestClock;
  let hooks: ReturnType<typeof countingHooks>;
  let logs: CapturedLogger;

  async function open(env: Record<string, string> = {}): Promise<Cache> {
    cache = await createCache(cacheConfig({ ...backend.env(), ...env }), {
      logger: logs.logger,
      hooks,
      clock,
    });
    return cache;
  }

  beforeEach(async () => {
    await admin.flushall();
    clock = new TestClock();
    hooks = countingHooks();
    logs = captureLogs();
  });
  afterEach(async () => {
    await cache?.close();
  });

  it("returns what was set, and misses for keys never set", async () => {
    await open();
    await cache.set(embeddingKey("hello"), [0.1, 0.2]);
    expect(await cache.get(embeddingKey("hello"))).toEqual([0.1, 0.2]);
    expect(await cache.get(embeddingKey("other"))).toBeUndefined();
    expect(hooks.hits.embedding).toBe(1);
    expect(hooks.misses.embedding).toBe(1);
    expect(hooks.errors).toEqual([]);
  });

  it("computes once and serves the stored value afterwards", async () => {
    await open();
    let calls = 0;
    const compute = async () => ({ results: [{ chunk_id: "c1", score: 0.5 }], call: ++calls });
    const first = await cache.getOrCompute(searchKey("t1", "postgres"), compute);
    const second = await cache.getOrCompute(searchKey("t1", "postgres"), compute);
    expect(first).toEqual({ results: [{ chunk_id: "c1", score: 0.5 }], call: 1 });
    expect(second).toEqual(first);
    expect(calls).toBe(1);
    expect(hooks.misses.search).toBe(1);
    expect(hooks.hits.search).toBe(1);
  });

  it("treats requests that differ only in key order as the same entry", async () => {
    await open();
    await cache.set({ type: "search", tenant: "t1", request: { query: "q", k: 5 } }, "stored");
    expect(await cache.get({ type: "search", tenant: "t1", request: { k: 5, query: "q" } })).toBe("stored");
    expect(await cache.get({ type: "search", tenant: "t1", request: { k: 6, query: "q" } })).toBeUndefined();
  });

  it("keeps tenants apart", async () => {
    await open();
    await cache.set(searchKey("t1", "q"), "for t1");
    expect(await cache.get(searchKey("t2", "q"))).toBeUndefined();
  });

  it.each(["embedding", "search", "rag"] as const)(
    "stores %s entries for their own TTL, falling back to CACHE_DEFAULT_TTL",
    async (type) => {
      await open(PROD_TTL_ENV);
      const key = { embedding: embeddingKey("x"), search: searchKey("t1", "x"), rag: ragKey("t1", "x") }[
        type
      ];
      await cache.set(key, "value");
      await backend.expectTtl(cache, key, clock, EXPECTED_TTL_SECONDS[type]);
    },
  );

  it("does not store a type whose TTL is 0", async () => {
    await open({ CACHE_RAG_TTL: "0" });
    await cache.set(ragKey("t1", "q"), "answer");
    expect(await cache.get(ragKey("t1", "q"))).toBeUndefined();
  });

  it("makes a tenant's search and answer entries unreachable after a data-version bump, keeping embeddings", async () => {
    await open();
    await cache.set(searchKey("t1", "q"), "old results");
    await cache.set(ragKey("t1", "q"), "old answer");
    await cache.set(embeddingKey("q"), [1, 0]);
    await cache.set(searchKey("t2", "q"), "t2 results");

    await cache.bumpDataVersion("t1");

    expect(await cache.get(searchKey("t1", "q"))).toBeUndefined();
    expect(await cache.get(ragKey("t1", "q"))).toBeUndefined();
    expect(await cache.get(embeddingKey("q"))).toEqual([1, 0]);
    expect(await cache.get(searchKey("t2", "q"))).toBe("t2 results");
    await cache.set(searchKey("t1", "q"), "new results");
    expect(await cache.get(searchKey("t1", "q"))).toBe("new results");
  });

  it("never serves a result computed while an ingest landed", async () => {
    await open();
    const value = await cache.getOrCompute(searchKey("t1", "q"), async () => {
      await cache.bumpDataVersion("t1"); // the ingest finishes while the search runs
      return "computed from pre-ingest data";
    });
    expect(value).toBe("computed from pre-ingest data");
    expect(await cache.get(searchKey("t1", "q"))).toBeUndefined();
  });

  it("round-trips values through JSON, so callers can't change a stored entry", async () => {
    await open();
    await cache.set(searchKey("t1", "q"), { results: ["a"], missing: undefined });
    const got = await cache.get<{ results: string[] }>(searchKey("t1", "q"));
    expect(got).toEqual({ results: ["a"] });
    got?.results.push("mutated");
    expect(await cache.get(searchKey("t1", "q"))).toEqual({ results: ["a"] });
  });

  it("does not store a computed undefined", async () => {
    await open();
    await cache.getOrCompute(embeddingKey("nothing"), async () => undefined);
    let calls = 0;
    await cache.getOrCompute(embeddingKey("nothing"), async () => {
      calls += 1;
      return undefined;
    });
    expect(calls).toBe(1);
  });
});

describe("memory backend limits", () => {
  it("evicts the least recently used entry beyond CACHE_MAX_SIZE and counts the eviction", async () => {
    const hooks = countingHooks();
    const cache = await createCache(cacheConfig({ CACHE_MAX_SIZE: "2" }), {
      logger: captureLogs().logger,
      hooks,
      clock: new TestClock(),
    });
    await cache.set(embeddingKey("a"), 1);
    await cache.set(searchKey("t1", "b"), 2);
    await cache.get(embeddingKey("a")); // a is now the most recently used
    await cache.set(ragKey("t1", "c"), 3);
    expect(hooks.evictions).toEqual({ embedding: 0, search: 1, rag: 0 });
    expect(await cache.get(searchKey("t1", "b"))).toBeUndefined();
    expect(await cache.get(embeddingKey("a"))).toBe(1);
    expect(await cache.get(ragKey("t1", "c"))).toBe(3);
  });

  it("does not count an expiry as an eviction", async () => {
    const hooks = countingHooks();
    const clock = new TestClock();
    const cache = await createCache(cacheConfig({ CACHE_DEFAULT_TTL: "1" }), {
      logger: captureLogs().logger,
      hooks,
      clock,
    });
    await cache.set(embeddingKey("a"), 1);
    clock.advance(1001);
    expect(await cache.get(embeddingKey("a"))).toBeUndefined();
    expect(hooks.evictions.embedding).toBe(0);
  });
});

describe("redis backend expiry", () => {
  it("lets Redis expire an entry after its TTL", async () => {
    const cache = await createCache(
      cacheConfig({ CACHE_BACKEND: "redis", CACHE_REDIS_URL: redis.url, CACHE_DEFAULT_TTL: "1" }),
      { logger: captureLogs().logger },
    );
    await cache.set(embeddingKey("short"), "lived");
    expect(await cache.get(embeddingKey("short"))).toBe("lived");
    let gone = false;
    // Bounded by attempts: 1 s TTL, up to 40 × 100 ms.
    for (let attempt = 0; attempt < 40 && !gone; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      gone = (await cache.get(embeddingKey("short"))) === undefined;
    }
    expect(gone).toBe(true);
    await cache.close();
  });

  it("stores entries under the documented key shapes", async () => {
    await admin.flushall();
    const cache = await createCache(cacheConfig({ CACHE_BACKEND: "redis", CACHE_REDIS_URL: redis.url }), {
      logger: captureLogs().logger,
    });
    await cache.set(searchKey("t1", "q"), 1);
    await cache.set(embeddingKey("q"), 2);
    const keys = (await admin.keys("*")).sort();
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^dataversion:t1$/);
    expect(keys[1]).toMatch(/^embedding:local:local-hash-v1:384:[0-9a-f]{64}$/);
    expect(keys[2]).toMatch(/^search:t1:v\d+:[0-9a-f]{64}$/);
    await cache.close();
  });
});

describe("disabled cache", () => {
  it("stores nothing, counts nothing and always computes", async () => {
    const hooks = countingHooks();
    const cache = await createCache(cacheConfig({ CACHE_ENABLED: "false" }), {
      logger: captureLogs().logger,
      hooks,
    });
    expect(cache.enabled).toBe(false);
    await cache.set(embeddingKey("a"), 1);
    expect(await cache.get(embeddingKey("a"))).toBeUndefined();
    let calls = 0;
    await cache.getOrCompute(embeddingKey("a"), async () => ++calls);
    await cache.getOrCompute(embeddingKey("a"), async () => ++calls);
    expect(calls).toBe(2);
    expect(hooks.hits.embedding + hooks.misses.embedding).toBe(0);
  });
});
