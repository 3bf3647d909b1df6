/**
 * @fastify/rate-limit with RATE_LIMIT_PER_MINUTE and RATE_LIMIT_BURST.
 *
 * Semantics: each client may make `perMinute + burst` requests in a fixed 60 s window that starts at
 * its first request; the next one gets 429 with `Retry-After` (seconds until the window ends). A
 * client is its tenant when the request carries a valid API key (all keys of a tenant share one
 * budget), else its address. Probes and /metrics are exempt. With a Redis client the counters live
 * in Redis, so every replica shares the budget; a Redis outage lets requests through (fail open).
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Redis } from "ioredis";
import { DEFAULT_REDIS_TUNING } from "../../cache/redis-store.js";
import { AppError } from "../../lib/errors.js";
import { type KeyRing, PUBLIC_PATHS, routePath } from "../app/auth.js";

export interface RateLimitOptions {
  perMinute: number;
  burst: number;
  ring: KeyRing;
  /** Shared counters in this Redis (CACHE_REDIS_URL when CACHE_BACKEND=redis). Defaults to per-process memory. */
  redisUrl?: string;
}

/**
 * A client of its own, tuned like the cache's (fail fast, reconnect forever in the background), so
 * an outage costs a request at most one command timeout and never blocks start-up.
 */
async function connectRedis(url: string, onError: (err: Error) => void): Promise<Redis> {
  const t = DEFAULT_REDIS_TUNING;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: t.connectTimeoutMs,
    commandTimeout: t.commandTimeoutMs,
    maxRetriesPerRequest: t.maxRetriesPerRequest,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 100, t.maxReconnectDelayMs),
  });
  client.on("error", onError);
  await client.connect().catch(onError);
  return client;
}

export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Registers the limiter (call before the routes). Does nothing when `perMinute` is 0. */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.perMinute <= 0) return;
  const max = options.perMinute + options.burst;
  let redis: Redis | undefined;
  if (options.redisUrl) {
    let reported = false;
    redis = await connectRedis(options.redisUrl, (err) => {
      // The cache logs Redis outages in bursts already; one line here says the limiter fails open.
      if (!reported) app.log.warn({ err }, "rate limiter: Redis unreachable, not limiting until it returns");
      reported = true;
    });
    redis.on("ready", () => {
      reported = false;
    });
    const client = redis;
    app.addHook("onClose", async () => {
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    });
  }
  const clientKey = (request: FastifyRequest) => {
    const tenant = options.ring.enabled ? options.ring.tenantFor(request.headers.authorization) : undefined;
    return tenant === undefined ? `ip:${request.ip}` : `tenant:${tenant}`;
  };
  await app.register(rateLimit, {
    max,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    keyGenerator: clientKey,
    allowList: (request) => PUBLIC_PATHS.has(routePath(request)),
    ...(redis ? { redis, nameSpace: "ratelimit:" } : {}),
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        "RATE_LIMITED",
        `Rate limit exceeded: ${context.max} requests per minute (${options.perMinute} + burst ${options.burst}); retry in ${context.after}`,
      ),
  });
}
