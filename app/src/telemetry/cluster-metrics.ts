/**
 * `/metrics` with WORKERS > 1 (node:cluster). Each worker counts its own requests; a scrape must see
 * the whole pod once. Design: whichever worker receives `GET /metrics` asks the primary over IPC;
 * the primary runs prom-client's AggregatorRegistry, which collects every worker's registry (over
 * the same IPC channel) and merges them — counters and histograms summed, gauges summed (the pool
 * gauges then describe the pod's pools together) or as prom-client's defaults specify — and the
 * answer goes back to the asking worker. The primary serves no HTTP itself.
 */
import cluster from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";
import type { Scrape } from "./app-telemetry.js";

const REQUEST = "mcp-stack:metrics-request";
const RESPONSE = "mcp-stack:metrics-response";

/** How long a worker waits for the aggregate before failing the scrape (prom-client's own limit is 5 s). */
export const CLUSTER_SCRAPE_TIMEOUT_MS = 6_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  contentType?: string;
  body?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T["type"]): message is T {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === type;
}

/** Primary: answers workers' aggregate requests. Call once, before forking. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (response: Omit<MetricsResponse, "type" | "id">) => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...response });
    };
    aggregator.clusterMetrics().then(
      (body) => reply({ contentType: aggregator.contentType, body }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/**
 * Worker: offers `registry` to the primary's aggregation and returns the scrape function `/metrics`
 * uses (`createAppTelemetry({ scrape })`).
 */
export function clusterScrape(registry: Registry): () => Promise<Scrape> {
  // Constructing one installs prom-client's worker-side listener; setRegistries says what to send.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  return () =>
    new Promise<Scrape>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        process.off("message", onMessage);
        reject(new Error("the cluster primary did not answer the metrics request"));
      }, CLUSTER_SCRAPE_TIMEOUT_MS);
      const onMessage = (message: unknown) => {
        if (!isMessage<MetricsResponse>(message, RESPONSE) || message.id !== id) return;
        clearTimeout(timer);
        process.off("message", onMessage);
        if (message.error !== undefined || message.body === undefined) {
          reject(new Error(`cluster metrics aggregation failed: ${message.error ?? "no body"}`));
        } else {
          resolve({ contentType: message.contentType ?? registry.contentType, body: message.body });
        }
      };
      process.on("message", onMessage);
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
