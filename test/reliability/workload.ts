/** The mixed workload: ingest, search (a few repeated queries, so some hit the cache), answer. */
import { conversationFor } from "../app/lifecycle/kill-nine.js";

const QUERIES = [
  "how do we deploy to kubernetes",
  "cache eviction under memory pressure",
  "vector index rebuild",
  "backup restore drill",
  "replica lag during failover",
  "tenant isolation in search",
  "drain the pod before the upgrade",
  "probe timeouts on readiness",
];

export interface WorkRequest {
  method: "POST" | "GET";
  path: string;
  body?: unknown;
}

/** Request `i` of run `seed`: 1 ingest, 2 searches (every fourth uncached), 1 answer in 4. */
export function mixedRequest(seed: number, i: number): WorkRequest {
  const query = QUERIES[i % QUERIES.length] ?? "deploy";
  switch (i % 4) {
    case 0: {
      const { id, messages } = conversationFor(seed, i);
      return { method: "POST", path: "/v1/conversations", body: { id: `${id}-${Date.now()}`, messages } };
    }
    case 1:
      return { method: "POST", path: "/v1/search", body: { query } };
    case 2:
      return {
        method: "POST",
        path: "/v1/search",
        body: { query: `${query} ${i % 16 === 2 ? i : ""}`.trim() },
      };
    default:
      return { method: "POST", path: "/v1/answer", body: { question: `${query}?` } };
  }
}

/** Ingests `count` conversations so search and answer have something to find. */
export async function seedConversations(baseUrl: string, seed: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${baseUrl}/v1/conversations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(conversationFor(seed, i)),
    });
    if (!res.ok) throw new Error(`seeding answered ${res.status}: ${await res.text()}`);
  }
}
