/**
 * Resource bounds (issue 15, point 6): a long closed-loop run of ingests and always-new searches on
 * embedded defaults with a small CACHE_MAX_SIZE, sampling the app's heap and RSS from /metrics. The
 * cache must evict instead of growing, and the heap after the run must stay near the warmed-up one.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startChildApp } from "../app/lifecycle/child-app.js";
import { conversationFor } from "../app/lifecycle/kill-nine.js";
import { closedLoop, record, sleep } from "./support.js";

const DURATION = Number(process.env.RELIABILITY_BOUNDS_DURATION ?? 60);
const CACHE_MAX_SIZE = 100;
const CLIENTS = 10;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** The value of an unlabelled (or first labelled) sample of `name` in Prometheus text. */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(" ").at(-1) ?? Number.NaN);
}

/** Sum of every sample of `name`. */
function total(text: string, name: string): number {
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

describe("resource bounds", () => {
  it(`keeps heap and cache bounded over ${DURATION} s of ingests and new searches`, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mcp-bounds-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const app = await startChildApp({
      DATA_DIR: dir,
      CACHE_MAX_SIZE: String(CACHE_MAX_SIZE),
      RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "warn",
    });
    cleanups.push(async () => {
      app.child.kill("SIGTERM");
      await app.exited;
    });
    await app.listening();
    const load = closedLoop(
      () => app.baseUrl,
      CLIENTS,
      (i) =>
        i % 3 === 0
          ? {
              method: "POST",
              path: "/v1/conversations",
              body: { ...conversationFor(9, i), id: `bounds-${i}` },
            }
          : { method: "POST", path: "/v1/search", body: { query: `deploy pod cache ${i}` } },
    );
    const heap: number[] = [];
    const rss: number[] = [];
    let metrics = "";
    const until = Date.now() + DURATION * 1000;
    while (Date.now() < until) {
      await sleep(2000);
      metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
      heap.push(sample(metrics, "nodejs_heap_size_used_bytes"));
      rss.push(sample(metrics, "process_resident_memory_bytes"));
    }
    await load.stop();
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    const quarter = Math.max(1, Math.floor(heap.length / 4));
    const warm = Math.max(...heap.slice(0, quarter));
    const late = Math.max(...heap.slice(-quarter));
    const evictions = total(metrics, "cache_evictions_total");
    await record("4-bounds", [
      {
        name: `heap and RSS over ${DURATION} s of ingests and always-new searches, CACHE_MAX_SIZE=${CACHE_MAX_SIZE}`,
        value:
          `${load.tally.ok} requests (${load.tally.failed} failed); heap used max ${mib(warm)} in the first quarter, ` +
          `${mib(late)} in the last, ${mib(Math.max(...heap))} overall; RSS ${mib(rss[0] ?? 0)} → ${mib(rss.at(-1) ?? 0)} ` +
          `(max ${mib(Math.max(...rss))}); cache evictions ${evictions}`,
        how: `bounds.run.ts, ${CLIENTS} clients, embedded defaults, /metrics sampled every 2 s (nodejs_heap_size_used_bytes, process_resident_memory_bytes, cache_evictions_total)`,
      },
    ]);
    expect(load.tally.failed).toBe(0);
    // Past the cache's bound every new search evicts one entry.
    expect(evictions).toBeGreaterThan(0);
    // Bounded: the late heap is not a multiple of the warmed-up one.
    expect(late).toBeLessThan(2 * warm);
  });
});
