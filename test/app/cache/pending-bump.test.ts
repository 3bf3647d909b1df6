/**
 * A data-version bump that fails (backend briefly unreachable during an ingest) must not let the
 * tenant's pre-ingest entries be served once the backend answers again. The backend here is a memory
 * store whose bump fails on demand, because a real Redis outage also loses the entries.
 */
import { describe, expect, it } from "vitest";
import { BurstLogger } from "../../../app/src/cache/burst-logger.js";
import { BackendCache } from "../../../app/src/cache/cache.js";
import type { CacheKey } from "../../../app/src/cache/index.js";
import { MemoryStore } from "../../../app/src/cache/memory-store.js";
import { captureLogs, countingHooks, TestClock } from "./support.js";

class FlakyBumpStore extends MemoryStore {
  failBumps = 0;
  override async bumpDataVersion(tenant: string): Promise<void> {
    if (this.failBumps > 0) {
      this.failBumps -= 1;
      throw new Error("connection refused");
    }
    return super.bumpDataVersion(tenant);
  }
}

const TTLS = { default: 60, embedding: 60, search: 60, rag: 60 };
const search: CacheKey = { type: "search", tenant: "t1", request: { query: "q" } };

function setup() {
  const clock = new TestClock();
  const store = new FlakyBumpStore({ maxEntries: 100, clock, onEviction: () => {} });
  const hooks = countingHooks();
  const cache = new BackendCache(store, TTLS, new BurstLogger(captureLogs().logger, clock), hooks);
  return { store, cache, hooks };
}

describe("failed data-version bump", () => {
  it("bypasses the tenant's entries until the bump gets through, then serves only fresh ones", async () => {
    const { store, cache, hooks } = setup();
    await cache.set(search, "pre-ingest results");
    store.failBumps = 2;

    await cache.bumpDataVersion("t1"); // fails: the ingest itself still succeeds
    expect(await cache.get(search)).toBeUndefined(); // retry fails too: bypass, not stale
    expect(hooks.errors).toEqual([
      { type: "search", op: "bump" },
      { type: "search", op: "bump" },
    ]);

    expect(await cache.get(search)).toBeUndefined(); // retry succeeds: new version, old entry gone
    await cache.set(search, "post-ingest results");
    expect(await cache.get(search)).toBe("post-ingest results");
  });

  it("leaves other tenants cached meanwhile", async () => {
    const { store, cache } = setup();
    const other: CacheKey = { type: "search", tenant: "t2", request: { query: "q" } };
    await cache.set(other, "t2 results");
    store.failBumps = 5;
    await cache.bumpDataVersion("t1");
    expect(await cache.get(other)).toBe("t2 results");
  });
});
