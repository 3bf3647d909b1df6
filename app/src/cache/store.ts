/** What a cache backend provides: opaque strings with a TTL, and per-tenant data versions. */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  /** `ttlSeconds` > 0. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** The tenant's current data version (entries of other versions are unreachable). */
  dataVersion(tenant: string): Promise<number>;
  bumpDataVersion(tenant: string): Promise<void>;
  close(): Promise<void>;
}
