/**
 * A Redis outage never fails a call: SIGKILL the real server mid-test, every call still answers from
 * `compute`, errors are counted, the log gets one line per burst, and the same client recovers once
 * Redis is back on its port.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BURST_WINDOW_MS, type Cache, type CacheKey, createCache } from "../../../app/src/cache/index.js";
import { freePort, type RedisServer, startRedisServer } from "../../helpers/redis-server.js";
import { cacheConfig, captureLogs, countingHooks, TestClock } from "./support.js";

const FAST_RECONNECT = { commandTimeoutMs: 300, maxReconnectDelayMs: 50, connectTimeoutMs: 500 };
const key = (query: string): CacheKey => ({ type: "search", tenant: "t1", request: { query } });

/** Bounded by attempts (up to 100 × 50 ms), never by a wall-clock assertion. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Works again = a value written now can be read back. */
const works = (cache: Cache) => async () => {
  await cache.set(key("probe"), "ok");
  return (await cache.get(key("probe"))) === "ok";
};

describe("redis outage", () => {
  let server: RedisServer | undefined;
  let cache: Cache | undefined;
  afterEach(async () => {
    await cache?.close();
    await server?.kill();
  });

  it("answers every call while Redis is down, logs once per burst, and recovers on the same client", async () => {
    server = await startRedisServer();
    const clock = new TestClock();
    const hooks = countingHooks();
    const logs = captureLogs();
    cache = await createCache(cacheConfig({ CACHE_BACKEND: "redis", CACHE_REDIS_URL: server.url }), {
      logger: logs.logger,
      hooks,
      clock,
      redis: FAST_RECONNECT,
    });
    await cache.set(key("before"), "cached");
    expect(await cache.get(key("before"))).toBe("cached");

    await server.kill();
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await cache.getOrCompute(key(`q${i}`), async () => `computed ${i}`));
    }
    await cache.bumpDataVersion("t1");
    expect(await cache.get(key("before"))).toBeUndefined();

    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `computed ${i}`));
    expect(hooks.errors.length).toBeGreaterThanOrEqual(20);
    expect(hooks.misses.search).toBeGreaterThanOrEqual(21);
    expect(logs.warnings()).toHaveLength(1);

    clock.advance(BURST_WINDOW_MS);
    await cache.getOrCompute(key("later"), async () => "computed later");
    const warnings = logs.warnings();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.suppressed).toBeGreaterThanOrEqual(20);

    server = await startRedisServer({ port: server.port });
    expect(await eventually(works(cache))).toBe(true);
    let computed = 0;
    await cache.getOrCompute(key("after"), async () => ++computed);
    expect(await cache.getOrCompute(key("after"), async () => ++computed)).toBe(1);
  });

  it("starts while Redis is unreachable and begins caching once it comes up", async () => {
    const port = await freePort();
    const hooks = countingHooks();
    const logs = captureLogs();
    cache = await createCache(
      cacheConfig({ CACHE_BACKEND: "redis", CACHE_REDIS_URL: `redis://127.0.0.1:${port}/0` }),
      { logger: logs.logger, hooks, clock: new TestClock(), redis: FAST_RECONNECT },
    );
    expect(await cache.getOrCompute(key("q"), async () => "from the database")).toBe("from the database");
    expect(hooks.errors.length).toBeGreaterThan(0);
    expect(logs.warnings()).toHaveLength(1);

    server = await startRedisServer({ port });
    expect(await eventually(works(cache))).toBe(true);
  });
});
