/**
 * Tenants never see each other's data, cache included (issue 15, point 5): fast-check runs random
 * sequences of ingest, search, answer, get and delete over REST and MCP by two API keys that share
 * the same queries, ids and words — so every search or answer one tenant caches is asked again by the
 * other — on the memory cache and on real Redis. Every result must belong to the caller.
 */
import { HTTP_PATHS } from "@mcp-stack/contract";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../helpers/redis-server.js";
import { startApp, useDatabase } from "../helpers.js";

const KEYS = { acme: "key-for-acme-0b1c2d", globex: "key-for-globex-9f8e7d" } as const;
type Tenant = keyof typeof KEYS;
const API_KEYS = `${KEYS.acme}:acme,${KEYS.globex}:globex`;
const QUERIES = ["quarterly numbers", "deploy plan", "budget review"];

type Step =
  | { op: "ingest"; tenant: Tenant; slot: number; query: number }
  | { op: "search"; tenant: Tenant; query: number }
  | { op: "answer"; tenant: Tenant; query: number }
  | { op: "mcp-search"; tenant: Tenant; query: number }
  | { op: "get" | "delete"; tenant: Tenant; slot: number };

const tenant = fc.constantFrom<Tenant>("acme", "globex");
const slot = fc.integer({ min: 0, max: 3 });
const query = fc.integer({ min: 0, max: QUERIES.length - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant("ingest" as const), tenant, slot, query }),
  fc.record({
    op: fc.constantFrom("search" as const, "answer" as const, "mcp-search" as const),
    tenant,
    query,
  }),
  fc.record({ op: fc.constantFrom("get" as const, "delete" as const), tenant, slot }),
);

/** The id a tenant's conversation in `slot` has: the tenant is in it, so a leak is visible. */
const idOf = (t: Tenant, s: number) => `${t}-${s}`;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => redis?.stop());

const BACKENDS: [string, () => Record<string, string>][] = [
  ["memory", () => ({ CACHE_BACKEND: "memory" })],
  ["redis", () => ({ CACHE_BACKEND: "redis", CACHE_REDIS_URL: redis.url })],
];

describe.each(BACKENDS)("tenant isolation through the %s cache", (_name, env) => {
  const db = useDatabase();

  it("serves every tenant only its own conversations over 60 random sequences", async () => {
    const app: FastifyInstance = await startApp(db.current.databases, {
      env: { API_KEYS, RATE_LIMIT_PER_MINUTE: "0", ...env() },
    });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
          // A fresh id space per sequence; the cache is kept across sequences on purpose.
          run++;
          const id = (t: Tenant, s: number) => `${idOf(t, s)}-r${run}`;
          for (const s of steps) {
            const headers = { authorization: `Bearer ${KEYS[s.tenant]}` };
            const other: Tenant = s.tenant === "acme" ? "globex" : "acme";
            const foreign = (ids: string[]) => ids.filter((i) => !i.startsWith(`${s.tenant}-`));
            if (s.op === "ingest") {
              const res = await app.inject({
                method: "POST",
                url: "/v1/conversations",
                headers,
                payload: {
                  id: id(s.tenant, s.slot),
                  messages: [{ role: "user", content: `${QUERIES[s.query]} for ${s.tenant}` }],
                },
              });
              // 409 when the slot already holds another query's text: not this property's concern.
              expect([200, 201, 409]).toContain(res.statusCode);
            } else if (s.op === "search") {
              const res = await app.inject({
                method: "POST",
                url: "/v1/search",
                headers,
                payload: { query: QUERIES[s.query] },
              });
              expect(res.statusCode).toBe(200);
              const ids = (res.json().results as { conversation_id: string }[]).map((r) => r.conversation_id);
              expect(foreign(ids)).toEqual([]);
            } else if (s.op === "answer") {
              const res = await app.inject({
                method: "POST",
                url: "/v1/answer",
                headers,
                payload: { question: QUERIES[s.query] },
              });
              expect(res.statusCode).toBe(200);
              const body = res.json() as { answer: string; citations: { conversation_id: string }[] };
              expect(foreign(body.citations.map((c) => c.conversation_id))).toEqual([]);
              expect(body.answer).not.toContain(`for ${other}`);
            } else if (s.op === "mcp-search") {
              const res = await app.inject({
                method: "POST",
                url: HTTP_PATHS.mcp,
                headers: { ...headers, accept: "application/json, text/event-stream" },
                payload: {
                  jsonrpc: "2.0",
                  id: 1,
                  method: "tools/call",
                  params: { name: "search_conversations", arguments: { query: QUERIES[s.query] } },
                },
              });
              expect(res.statusCode).toBe(200);
              const results = res.json().result.structuredContent.results as { conversation_id: string }[];
              expect(foreign(results.map((r) => r.conversation_id))).toEqual([]);
            } else {
              // The other tenant's id: as if it did not exist, and nothing is deleted.
              const res = await app.inject({
                method: s.op === "get" ? "GET" : "DELETE",
                url: `/v1/conversations/${id(other, s.slot)}`,
                headers,
              });
              expect(res.statusCode).toBe(404);
            }
          }
        }),
        { seed: 15, numRuns: 60 },
      );
    } finally {
      await app.close();
    }
  });
});
