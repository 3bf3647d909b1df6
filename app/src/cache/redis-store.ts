/**
 * The shared backend (staging/prod): every replica sees the same entries and data versions. Tuned to
 * fail fast: with the offline queue off, a command during an outage errors at once instead of waiting
 * for a reconnect, and the client keeps reconnecting in the background.
 */
import { Redis } from "ioredis";
import { dataVersionKey } from "./keys.js";
import type { CacheStore } from "./store.js";

export interface RedisTuning {
  /** Defaults to 2000. */
  connectTimeoutMs: number;
  /** A slow cache must not slow the request much more than the database would. Defaults to 500. */
  commandTimeoutMs: number;
  /** Resends of a command cut off by a dropped connection. Defaults to 1. */
  maxRetriesPerRequest: number;
  /** Reconnect backoff grows by 100 ms per attempt up to this cap; attempts never stop. Defaults to 2000. */
  maxReconnectDelayMs: number;
}

export const DEFAULT_REDIS_TUNING: RedisTuning = {
  connectTimeoutMs: 2000,
  commandTimeoutMs: 500,
  maxRetriesPerRequest: 1,
  maxReconnectDelayMs: 2000,
};

export class RedisStore implements CacheStore {
  private readonly client: Redis;
  private constructor(client: Redis) {
    this.client = client;
  }

  /**
   * Connects, but resolves even when Redis is down (the cache then misses until a reconnect succeeds):
   * a cache outage must not stop the app from starting.
   */
  static async connect(
    url: string,
    tuning: RedisTuning,
    onConnectionError: (err: Error) => void,
  ): Promise<RedisStore> {
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: tuning.connectTimeoutMs,
      commandTimeout: tuning.commandTimeoutMs,
      maxRetriesPerRequest: tuning.maxRetriesPerRequest,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 100, tuning.maxReconnectDelayMs),
    });
    // Without a listener ioredis prints every reconnect failure as an unhandled error event.
    client.on("error", onConnectionError);
    await client.connect().catch(onConnectionError);
    return new RedisStore(client);
  }

  /** Whether the connection is up right now. */
  get connected(): boolean {
    return this.client.status === "ready";
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.client.set(key, value, "EX", ttlSeconds);
  }

  // A missing version key (never set, or evicted under allkeys-lru, or Redis restarted) starts at the
  // current epoch milliseconds rather than 0, so it can't coincide with a version whose entries survive.
  async dataVersion(tenant: string): Promise<number> {
    const k = dataVersionKey(tenant);
    const current = await this.client.get(k);
    if (current !== null) return Number(current);
    await this.client.set(k, String(Date.now()), "NX");
    return Number(await this.client.get(k));
  }

  async bumpDataVersion(tenant: string): Promise<void> {
    const k = dataVersionKey(tenant);
    const replies = await this.client.multi().set(k, String(Date.now()), "NX").incr(k).exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) throw failed?.[0] ?? new Error("MULTI for the data version was aborted");
  }

  async close(): Promise<void> {
    if (this.client.status === "ready") {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }
}
