/** The import's batches over HTTP (`app/src/import/http-ingest.ts`): retries, refusals, unreachable servers. */
import { describe, expect, it } from "vitest";
import { httpIngest, ServerIngestError } from "../../../app/src/import/http-ingest.js";

const BATCH = [{ id: "a", messages: [{ role: "user" as const, content: "hello" }] }];
const RESULT = {
  results: [
    {
      index: 0,
      status: "ingested",
      conversation_id: "a",
      messages: 1,
      chunks: 1,
      added: { messages: 1, chunks: 1 },
    },
  ],
  counts: { ingested: 1, unchanged: 0, failed: 0 },
};

function fakeServer(answers: (() => Response)[]) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    return next();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("httpIngest", () => {
  it("posts the batch with the key, waits as a 429 says, and returns the server's result", async () => {
    const server = fakeServer([
      () => json(429, { error: { code: "RATE_LIMITED", message: "slow down" } }, { "retry-after": "2" }),
      () => json(200, RESULT),
    ]);
    const waits: number[] = [];
    const ingest = httpIngest({
      baseUrl: "http://server:8000",
      apiKey: "k1",
      fetch: server.fetch,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(await ingest(BATCH)).toEqual(RESULT);
    expect(waits).toEqual([2000]);
    expect(server.seen.map((s) => s.url)).toEqual([
      "http://server:8000/v1/conversations/batch",
      "http://server:8000/v1/conversations/batch",
    ]);
    expect(server.seen[0]?.init.headers).toMatchObject({ authorization: "Bearer k1" });
    expect(JSON.parse(String(server.seen[0]?.init.body))).toEqual({ conversations: BATCH });
  });

  it("names the status, the server's error and the fix for a 401", async () => {
    const server = fakeServer([
      () => json(401, { error: { code: "UNAUTHORIZED", message: "Send an API key" } }),
    ]);
    const ingest = httpIngest({ baseUrl: "http://server:8000", fetch: server.fetch });
    await expect(ingest(BATCH)).rejects.toThrow(
      "the server at http://server:8000 answered 401 (UNAUTHORIZED: Send an API key); give the key with --api-key (or API_KEY)",
    );
  });

  it("says the server did not answer, and that the batch in flight may or may not be stored", async () => {
    const fetch = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });
    }) as unknown as typeof globalThis.fetch;
    const ingest = httpIngest({ baseUrl: "http://server:8000", fetch });
    const error = await ingest(BATCH).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerIngestError);
    expect((error as Error).message).toBe(
      "the server at http://server:8000 did not answer (ECONNRESET); the batch in flight may or may not be stored",
    );
  });

  it("refuses a 200 whose body is not a batch result", async () => {
    const server = fakeServer([() => json(200, { hello: "world" })]);
    const ingest = httpIngest({ baseUrl: "http://server:8000", fetch: server.fetch });
    await expect(ingest(BATCH)).rejects.toThrow("answered 200 with a body that is not a batch result");
  });
});
