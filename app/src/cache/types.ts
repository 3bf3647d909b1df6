/** The cache's public shapes: what callers key entries by, and the hooks metrics attach to. */
import type { Logger } from "pino";

/** What is cached. Also the `cache` label of the cache_*_total metrics (contract/src/metrics.ts). */
export const CACHE_TYPES = ["embedding", "search", "rag"] as const;
export type CacheType = (typeof CACHE_TYPES)[number];

/** A query embedding: the same text under the same provider, model and dimension always embeds the same. */
export interface EmbeddingKey {
  type: "embedding";
  provider: string;
  model: string;
  dimensions: number;
  text: string;
}

/**
 * A search result (`search`) or an answer (`rag`): scoped to a tenant's data version, so ingest or
 * delete (which bump it) make every earlier entry of that tenant unreachable.
 */
export interface TenantKey {
  type: "search" | "rag";
  tenant: string;
  /**
   * The request the entry was computed from, after validation (pass the zod-parsed input so defaults
   * such as `k` are filled in). Hashed as canonical JSON: key order and `undefined` fields don't matter.
   */
  request: unknown;
}

export type CacheKey = EmbeddingKey | TenantKey;

/** Which backend call failed; the `op` of {@link CacheHooks.onError}. */
export type CacheOp = "get" | "set" | "version" | "bump";

/**
 * Counters the metrics layer connects (cache_hits_total{cache}, cache_misses_total,
 * cache_evictions_total). Every hook is optional and must not throw.
 */
export interface CacheHooks {
  onHit?(type: CacheType): void;
  /** Also counted when the backend failed: the request went to the database. */
  onMiss?(type: CacheType): void;
  /** Memory backend only: an entry pushed out by CACHE_MAX_SIZE (Redis reports evicted_keys itself). */
  onEviction?(type: CacheType): void;
  onError?(type: CacheType, op: CacheOp): void;
}

/** Milliseconds clock; injectable so tests control TTLs and log bursts without sleeping. */
export interface Clock {
  now(): number;
}

export interface CacheDeps {
  logger: Pick<Logger, "warn" | "info">;
  hooks?: CacheHooks;
  /** Defaults to `performance`. */
  clock?: Clock;
}

/**
 * Values go through JSON in every backend (also memory, so both behave alike and a caller can't mutate
 * a cached object): Dates come back as strings, `undefined` fields disappear, and a computed
 * `undefined` is never cached.
 */
export interface Cache {
  /** Whether anything is cached at all (CACHE_ENABLED). */
  readonly enabled: boolean;
  /** Never rejects: a backend failure is a miss. */
  get<V>(key: CacheKey): Promise<V | undefined>;
  /** Never rejects: a backend failure drops the write. */
  set<V>(key: CacheKey, value: V): Promise<void>;
  /**
   * The cached value, or `compute()`'s (then stored). Rejects only when `compute` does. The tenant's
   * data version is read before computing, so a result computed while an ingest lands is stored under
   * the old version and never served afterwards.
   */
  getOrCompute<V>(key: CacheKey, compute: () => Promise<V>): Promise<V>;
  /** Call after every ingest or delete of a tenant's data. Never rejects (a failure is retried later). */
  bumpDataVersion(tenant: string): Promise<void>;
  close(): Promise<void>;
}
