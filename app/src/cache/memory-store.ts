/** The in-process backend: one LRU of CACHE_MAX_SIZE entries per replica (dev default). */
import { LRUCache } from "lru-cache";
import { dataVersionKey } from "./keys.js";
import type { CacheStore } from "./store.js";
import { CACHE_TYPES, type CacheType, type Clock } from "./types.js";

export interface MemoryStoreOptions {
  maxEntries: number;
  clock: Clock;
  onEviction(type: CacheType): void;
}

/** Entry keys start with their type (see `entryKey`). */
function typeOfKey(key: string): CacheType | undefined {
  const prefix = key.slice(0, key.indexOf(":"));
  return CACHE_TYPES.find((t) => t === prefix);
}

export class MemoryStore implements CacheStore {
  private readonly lru: LRUCache<string, string>;
  // A plain map, not the LRU: a data version must never be evicted, or old entries would come back.
  private readonly versions = new Map<string, number>();

  constructor(options: MemoryStoreOptions) {
    this.lru = new LRUCache<string, string>({
      max: options.maxEntries,
      perf: options.clock,
      // Read the clock on every check instead of caching it for a tick (TTLs exact under a test clock).
      ttlResolution: 0,
      dispose: (_value, key, reason) => {
        const type = typeOfKey(key);
        if (reason === "evict" && type) options.onEviction(type);
      },
    });
  }

  async get(key: string): Promise<string | undefined> {
    return this.lru.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.lru.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async dataVersion(tenant: string): Promise<number> {
    return this.versions.get(dataVersionKey(tenant)) ?? 0;
  }

  async bumpDataVersion(tenant: string): Promise<void> {
    const k = dataVersionKey(tenant);
    this.versions.set(k, (this.versions.get(k) ?? 0) + 1);
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
