import { describe, expect, it } from "vitest";
import { memoryBytes, postgresSize, resolveEnvironment, workersForCores } from "../../environments/index.js";

describe("derived values", () => {
  it("follow the reference's worker formula: 2, 4 and 8 cores make 5, 9 and 17 workers", () => {
    expect([2, 4, 8].map(workersForCores)).toEqual([5, 9, 17]);
  });

  it("resolve WORKERS=auto from the CPU limit", () => {
    const env = resolveEnvironment("prod", {
      runtime: { workers: "auto" },
      database: { pooler: { maxClientConnections: 9000 } },
    });
    // 2000m limit = 2 cores → 5 workers.
    expect(env.derived.workers).toBe(5);
  });

  it("give shared_buffers 25% and effective_cache_size 75% of the Postgres container's memory", () => {
    const env = resolveEnvironment("staging", { database: { postgres: { memory: "8Gi" } } });
    expect(env.derived.postgres).toEqual({ sharedBuffers: "2GB", effectiveCacheSize: "6GB" });
    const odd = resolveEnvironment("dev", { database: { postgres: { memory: "1000Mi" } } });
    expect(odd.derived.postgres).toEqual({ sharedBuffers: "250MB", effectiveCacheSize: "750MB" });
  });

  it("count connections with the rollout surge, both pools of every worker", () => {
    const b = resolveEnvironment("prod").derived.connections;
    // (20 + 1 surge) pods × 4 workers × (20 + 40), once to the primary and once to the replica.
    expect({
      maxPods: b.maxPods,
      perPodPerPool: b.perPodPerPool,
      pools: b.pools,
      perPod: b.perPod,
      perEndpoint: b.perEndpoint,
      app: b.appConnections,
    }).toEqual({ maxPods: 21, perPodPerPool: 240, pools: 2, perPod: 480, perEndpoint: 5040, app: 10080 });
  });

  it("count one pool without a read replica", () => {
    const b = resolveEnvironment("staging").derived.connections;
    expect({ pools: b.pools, perEndpoint: b.perEndpoint, app: b.appConnections }).toEqual({
      pools: 1,
      perEndpoint: 180,
      app: 180,
    });
  });
});

describe("quantities", () => {
  it("parse binary and decimal units", () => {
    expect(memoryBytes("2Gi")).toBe(2 * 1024 ** 3);
    expect(memoryBytes("2G")).toBe(2e9);
    expect(memoryBytes("512Mi")).toBe(512 * 1024 ** 2);
    expect(() => memoryBytes("2 GB")).toThrow(/not a memory quantity/);
  });

  it("print postgres sizes in the largest exact unit", () => {
    expect(postgresSize(4 * 1024 ** 3)).toBe("4GB");
    expect(postgresSize(1536 * 1024 ** 2)).toBe("1536MB");
    expect(postgresSize(1000)).toBe("1kB");
  });
});
