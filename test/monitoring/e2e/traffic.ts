/**
 * Steady request traffic against the app, with a chosen share of search-cache hits and of server
 * errors. Hits and misses are keyword searches (keyword mode touches only the `search` cache); errors
 * are ingests while the fake provider's embeddings fail (502 UPSTREAM_FAILED, no cache involved), so
 * the two ratios are set independently.
 */
import { httpRequest } from "../../app/lifecycle/child-app.js";

export interface TrafficMix {
  /** Share of searches answered from the cache (0..1). */
  hitRatio: number;
  /** Share of requests that fail with a 5xx (0..1). */
  errorRatio: number;
}

export class Traffic {
  private mix: TrafficMix = { hitRatio: 0.6, errorRatio: 0 };
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private n = 0;
  /** Requests sent, by outcome; `unexpected` lists statuses the mix did not ask for. */
  readonly counts = { searches: 0, hits: 0, failures: 0, unexpected: [] as string[] };
  /** `x-worker-id` of every answer: both cluster workers must serve. */
  readonly workers = new Set<string>();

  private readonly baseUrl: string;
  /** Sets whether the provider's embeddings fail (what turns an ingest into a 502). */
  private readonly failEmbeddings: (fail: boolean) => void;
  /** Pause between requests: a steady rate without starving the machine. */
  private readonly pauseMs: number;

  constructor(baseUrl: string, failEmbeddings: (fail: boolean) => void, pauseMs = 15) {
    this.baseUrl = baseUrl;
    this.failEmbeddings = failEmbeddings;
    this.pauseMs = pauseMs;
  }

  set(mix: TrafficMix): void {
    this.mix = mix;
    this.failEmbeddings(mix.errorRatio > 0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** One keyword search: a cached query (hit) or a query never asked before (miss). */
  async search(hit: boolean): Promise<number> {
    const query = hit ? "observability warm query" : `observability cold query ${this.n}`;
    const res = await httpRequest(`${this.baseUrl}/v1/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, mode: "keyword", k: 3 }),
    });
    this.workers.add(String(res.headers["x-worker-id"]));
    return res.status;
  }

  private async run(): Promise<void> {
    // Evenly spread, not in bursts: request i fails when floor((i + 1) × errorRatio) steps up, and
    // search j hits when floor((j + 1) × hitRatio) does, so any window holds close to the ratios.
    let searchIndex = 0;
    while (this.running) {
      const i = this.n++;
      const { hitRatio, errorRatio } = this.mix;
      const step = (k: number, r: number) => Math.floor((k + 1) * r) > Math.floor(k * r);
      try {
        if (step(i, errorRatio)) {
          const res = await httpRequest(`${this.baseUrl}/v1/conversations`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ messages: [{ role: "user", content: `failing ingest ${i}` }] }),
          });
          this.counts.failures++;
          if (res.status !== 502) this.counts.unexpected.push(`ingest ${res.status}`);
        } else {
          const hit = step(searchIndex++, hitRatio);
          const status = await this.search(hit);
          this.counts.searches++;
          if (hit) this.counts.hits++;
          if (status !== 200) this.counts.unexpected.push(`search ${status}`);
        }
      } catch (error) {
        this.counts.unexpected.push(String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}
