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

  constructor(
    private readonly baseUrl: string,
    /** Sets whether the provider's embeddings fail (what turns an ingest into a 502). */
    private readonly failEmbeddings: (fail: boolean) => void,
    /** Pause between requests: a steady rate without starving the machine. */
    private readonly pauseMs = 15,
  ) {}

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
    return res.status;
  }

  private async run(): Promise<void> {
    // Deterministic interleaving: of every 20 requests, round(20 × errorRatio) fail; of the searches,
    // the first round(n × hitRatio) of each 10 are hits.
    let searchIndex = 0;
    while (this.running) {
      const i = this.n++;
      const { hitRatio, errorRatio } = this.mix;
      try {
        if (i % 20 < Math.round(20 * errorRatio)) {
          const res = await httpRequest(`${this.baseUrl}/v1/conversations`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ messages: [{ role: "user", content: `failing ingest ${i}` }] }),
          });
          this.counts.failures++;
          if (res.status !== 502) this.counts.unexpected.push(`ingest ${res.status}`);
        } else {
          const hit = searchIndex++ % 10 < Math.round(10 * hitRatio);
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
