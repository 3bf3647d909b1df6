/**
 * RATE_LIMIT_PER_MINUTE + RATE_LIMIT_BURST: per client (API key's tenant, else address), per fixed
 * 60 s window; probes exempt; counters shared through Redis between replicas.
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../../helpers/redis-server.js";
import { startApp, useDatabase } from "../../helpers.js";

const KEY_A = "rate-key-acme-5a6b";
const KEY_B = "rate-key-globex-7c8d";
const LIMITS = {
  RATE_LIMIT_PER_MINUTE: "3",
  RATE_LIMIT_BURST: "2",
  API_KEYS: `${KEY_A}:acme,${KEY_B}:globex`,
};
/** 3 per minute plus a burst of 2: five requests pass in one window, the sixth does not. */
const ALLOWED = 5;

const search = (app: FastifyInstance, key?: string) =>
  app.inject({
    method: "POST",
    url: "/v1/search",
    payload: { query: "x" },
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });

const db = useDatabase();
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
const start = async (env: Record<string, string>) => {
  const app = await startApp(db.current.databases, { env });
  apps.push(app);
  return app;
};

describe("rate limit in memory", () => {
  it("allows per-minute + burst requests, then answers 429 with Retry-After in the error format", async () => {
    const app = await start(LIMITS);
    for (let i = 0; i < ALLOWED; i++) expect((await search(app, KEY_A)).statusCode).toBe(200);
    const limited = await search(app, KEY_A);
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json().error.code).toBe("RATE_LIMITED");
    expect(limited.json().error.message).toMatch(/^Rate limit exceeded: 5 requests per minute/);
  });

  it("counts each API key's tenant separately and never limits the probes", async () => {
    const app = await start(LIMITS);
    for (let i = 0; i < ALLOWED + 1; i++) await search(app, KEY_A);
    expect((await search(app, KEY_A)).statusCode).toBe(429);
    expect((await search(app, KEY_B)).statusCode).toBe(200);
    for (const url of [HTTP_PATHS.health, HTTP_PATHS.live, HTTP_PATHS.ready]) {
      for (let i = 0; i < ALLOWED + 1; i++) expect((await app.inject({ url })).statusCode).toBe(200);
    }
  });

  it("limits requests without a valid key by address", async () => {
    const app = await start(LIMITS);
    for (let i = 0; i < ALLOWED; i++) expect((await search(app, "wrong-key")).statusCode).toBe(401);
    expect((await search(app, "wrong-key")).statusCode).toBe(429);
    expect((await search(app, KEY_A)).statusCode).toBe(200);
  });

  it("is off with RATE_LIMIT_PER_MINUTE=0", async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: "0", RATE_LIMIT_BURST: "0" });
    for (let i = 0; i < 30; i++) expect((await search(app)).statusCode).toBe(200);
  });
});

describe("rate limit in Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => redis?.stop());

  it("shares one budget between two replicas on the same Redis", async () => {
    const env = { ...LIMITS, CACHE_BACKEND: "redis", CACHE_REDIS_URL: redis.url };
    const one = await start(env);
    const two = await start(env);
    for (let i = 0; i < 3; i++) expect((await search(one, KEY_A)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await search(two, KEY_A)).statusCode).toBe(200);
    expect((await search(two, KEY_A)).statusCode).toBe(429);
    expect((await search(one, KEY_A)).statusCode).toBe(429);
    expect((await search(one, KEY_B)).statusCode).toBe(200);
  });
});
