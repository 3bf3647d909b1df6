/**
 * The cache in front of embeddings, search and answers. Whatever the backend does, a call answers:
 * failures are counted, logged once per burst, and turned into misses.
 */
import type { Config } from "../config.js";
import type { BurstLogger } from "./burst-logger.js";
import { entryKey } from "./keys.js";
import type { CacheStore } from "./store.js";
import type { Cache, CacheHooks, CacheKey, CacheOp, CacheType } from "./types.js";

/** Seconds per type; 0 means that type is not stored. */
export type CacheTtls = Config["cache"]["ttl"];

type Lookup<V> = { hit: true; value: V } | { hit: false };

export class BackendCache implements Cache {
  readonly enabled = true;
  // Tenants whose bump failed: their entries are neither read nor written until a bump gets through,
  // so an ingest during an outage can't leave pre-ingest results reachable once the backend is back.
  private readonly pendingBumps = new Set<string>();

  private readonly store: CacheStore;
  private readonly ttls: CacheTtls;
  private readonly burst: BurstLogger;
  private readonly hooks: CacheHooks;
  constructor(store: CacheStore, ttls: CacheTtls, burst: BurstLogger, hooks: CacheHooks = {}) {
    this.store = store;
    this.ttls = ttls;
    this.burst = burst;
    this.hooks = hooks;
  }

  async get<V>(key: CacheKey): Promise<V | undefined> {
    const k = await this.resolve(key);
    if (k === undefined) {
      this.hooks.onMiss?.(key.type);
      return undefined;
    }
    const found = await this.read<V>(key.type, k);
    return found.hit ? found.value : undefined;
  }

  async set<V>(key: CacheKey, value: V): Promise<void> {
    const k = await this.resolve(key);
    if (k !== undefined) await this.write(key.type, k, value);
  }

  async getOrCompute<V>(key: CacheKey, compute: () => Promise<V>): Promise<V> {
    const k = await this.resolve(key);
    if (k === undefined) {
      this.hooks.onMiss?.(key.type);
      return compute();
    }
    const found = await this.read<V>(key.type, k);
    if (found.hit) return found.value;
    const value = await compute();
    await this.write(key.type, k, value);
    return value;
  }

  async bumpDataVersion(tenant: string): Promise<void> {
    this.pendingBumps.add(tenant);
    await this.flushBump(tenant);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** The backend key, or undefined when the data version can't be established (then: bypass). */
  private async resolve(key: CacheKey): Promise<string | undefined> {
    if (key.type === "embedding") return entryKey(key, 0);
    if (this.pendingBumps.has(key.tenant) && !(await this.flushBump(key.tenant, key.type))) return undefined;
    try {
      return entryKey(key, await this.store.dataVersion(key.tenant));
    } catch (err) {
      this.fail(key.type, "version", err);
      return undefined;
    }
  }

  private async flushBump(tenant: string, type: CacheType = "search"): Promise<boolean> {
    try {
      await this.store.bumpDataVersion(tenant);
      this.pendingBumps.delete(tenant);
      return true;
    } catch (err) {
      this.fail(type, "bump", err);
      return false;
    }
  }

  private async read<V>(type: CacheType, k: string): Promise<Lookup<V>> {
    try {
      const raw = await this.store.get(k);
      if (raw !== undefined) {
        const value = JSON.parse(raw) as V;
        this.hooks.onHit?.(type);
        return { hit: true, value };
      }
    } catch (err) {
      this.fail(type, "get", err);
    }
    this.hooks.onMiss?.(type);
    return { hit: false };
  }

  private async write(type: CacheType, k: string, value: unknown): Promise<void> {
    const ttl = this.ttls[type];
    const raw = JSON.stringify(value);
    if (ttl <= 0 || raw === undefined) return;
    try {
      await this.store.set(k, raw, ttl);
    } catch (err) {
      this.fail(type, "set", err);
    }
  }

  private fail(type: CacheType, op: CacheOp, err: unknown): void {
    this.hooks.onError?.(type, op);
    this.burst.failure({ cache: type, op }, err);
  }
}

/** CACHE_ENABLED=false: nothing stored, nothing counted, every computation runs. */
export class DisabledCache implements Cache {
  readonly enabled = false;
  async get<V>(_key: CacheKey): Promise<V | undefined> {
    return undefined;
  }
  async set<V>(_key: CacheKey, _value: V): Promise<void> {}
  getOrCompute<V>(_key: CacheKey, compute: () => Promise<V>): Promise<V> {
    return compute();
  }
  async bumpDataVersion(_tenant: string): Promise<void> {}
  async close(): Promise<void> {}
}
