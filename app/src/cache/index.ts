/**
 * Caching of query embeddings, search results and answers (issue 6). Wire-up sketch:
 *
 *   const cache = await createCache(config.cache, { logger, hooks: cacheMetrics });
 *   results = await cache.getOrCompute({ type: "search", tenant, request: input }, () => search(input));
 *   await cache.bumpDataVersion(tenant); // after every ingest or delete
 *   await cache.close(); // on shutdown
 */
import type { Config } from "../config.js";
import { BurstLogger } from "./burst-logger.js";
import { BackendCache, DisabledCache } from "./cache.js";
import { MemoryStore } from "./memory-store.js";
import { DEFAULT_REDIS_TUNING, RedisStore, type RedisTuning } from "./redis-store.js";
import type { Cache, CacheDeps } from "./types.js";

export { BURST_WINDOW_MS } from "./burst-logger.js";
export { BackendCache, type CacheTtls, DisabledCache } from "./cache.js";
export { canonicalJson, dataVersionKey, entryKey, sha256 } from "./keys.js";
export { DEFAULT_REDIS_TUNING, type RedisTuning } from "./redis-store.js";
export * from "./types.js";

export type CacheConfig = Config["cache"];

export interface CreateCacheDeps extends CacheDeps {
  /** Redis client timeouts and reconnect backoff. Defaults to {@link DEFAULT_REDIS_TUNING}. */
  redis?: Partial<RedisTuning>;
}

/**
 * The cache `config` describes. Resolves even when Redis is unreachable: the cache then misses (and
 * counts errors) until the client's background reconnect succeeds.
 */
export async function createCache(config: CacheConfig, deps: CreateCacheDeps): Promise<Cache> {
  if (!config.enabled) return new DisabledCache();
  const clock = deps.clock ?? performance;
  const hooks = deps.hooks ?? {};
  const burst = new BurstLogger(deps.logger, clock);
  if (config.backend === "memory") {
    const store = new MemoryStore({
      maxEntries: config.maxSize,
      clock,
      onEviction: (type) => hooks.onEviction?.(type),
    });
    return new BackendCache(store, config.ttl, burst, hooks);
  }
  if (!config.redisUrl) throw new Error("CACHE_REDIS_URL is required when CACHE_BACKEND=redis");
  const store = await RedisStore.connect(config.redisUrl, { ...DEFAULT_REDIS_TUNING, ...deps.redis }, (err) =>
    burst.failure({ backend: "redis" }, err),
  );
  if (store.connected) deps.logger.info({ backend: "redis" }, "cache connected");
  return new BackendCache(store, config.ttl, burst, hooks);
}
