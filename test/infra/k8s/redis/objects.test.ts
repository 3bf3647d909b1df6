import { describe, expect, it } from "vitest";
import { type RedisArgs, redisConf, validateRedisArgs } from "../../../../infra/index.js";

const REDIS: RedisArgs = {
  namespace: "ns",
  image: "redis:7.4.2-alpine",
  exporterImage: "oliver006/redis_exporter:v1.67.0",
  maxmemory: "512mb",
  resources: {
    requests: { cpu: "100m", memory: "640Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "500m", memory: "768Mi", ephemeralStorage: "256Mi" },
  },
  storage: "2Gi",
};

describe("Redis", () => {
  it("turns RDB off when no save rules are given, and AOF off by default", () => {
    const conf = redisConf(REDIS).split("\n");
    expect(conf).toContain('save ""');
    expect(conf).toContain("appendonly no");
  });

  it("rejects a memory limit without headroom above maxmemory and an unpinned image", () => {
    const limits = { ...REDIS.resources.limits, memory: "512Mi" };
    expect(
      validateRedisArgs({ ...REDIS, image: "redis", resources: { ...REDIS.resources, limits } }),
    ).toEqual([
      'image "redis" must be pinned to a version (not latest)',
      "resources.limits.memory 512Mi leaves no headroom above maxmemory 512mb; use at least 1.2 × maxmemory",
    ]);
  });
});
