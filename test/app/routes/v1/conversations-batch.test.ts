/**
 * `POST /v1/conversations/batch`: outcomes by index, validation naming the index and field, the
 * bounds (count, body size), and the single route's auth, tenant, rate limit and metrics.
 */
import { describe, expect, it } from "vitest";
import { MAX_BATCH_CONVERSATIONS } from "../../../../app/src/schemas/conversation-batch.js";
import { createAppTelemetry } from "../../../../app/src/telemetry/app-telemetry.js";
import { CORPUS } from "../../corpus.js";
import { testConfig, useApp } from "../../helpers.js";

const URL = "/v1/conversations/batch";

describe(URL, () => {
  const telemetry = createAppTelemetry({ config: testConfig(), defaultMetrics: false });
  const t = useApp({ telemetry });
  const batch = (conversations: unknown[], headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: URL, payload: { conversations }, headers });

  it("ingests every conversation and reports each by index; searchable at once", async () => {
    const res = await batch(CORPUS.slice(0, 3));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      results: CORPUS.slice(0, 3).map((c, index) => ({
        index,
        status: "ingested",
        conversation_id: c.id,
        messages: c.messages.length,
        chunks: expect.any(Number),
        added: { messages: c.messages.length, chunks: expect.any(Number) },
      })),
      counts: { ingested: 3, unchanged: 0, failed: 0 },
    });
    const search = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      payload: { query: "carbonara guanciale pecorino" },
    });
    expect(search.json().results[0].conversation_id).toBe("pasta");
    const again = await batch(CORPUS.slice(0, 3));
    expect(again.json().counts).toEqual({ ingested: 0, unchanged: 3, failed: 0 });
  });

  it("reports a conflicting conversation as failed and stores the others", async () => {
    await batch([CORPUS[1]!]);
    const res = await batch([CORPUS[0]!, { id: "pasta", messages: [{ role: "user", content: "other" }] }]);
    expect(res.statusCode).toBe(200);
    expect(res.json().results[1]).toEqual({
      index: 1,
      status: "failed",
      conversation_id: "pasta",
      error: { code: "CONFLICT", message: expect.stringContaining("messages.0 differs") },
    });
    expect((await t.app.inject({ url: "/v1/conversations/k8s-deploy" })).statusCode).toBe(200);
  });

  it("rejects a batch with an invalid conversation as a whole, naming every index and field", async () => {
    const res = await batch([
      CORPUS[0]!,
      { id: "x", messages: [{ role: "robot", content: "hi" }] },
      { id: "y", messages: [], colour: "red" },
    ]);
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "body.conversations.1.messages.0.role",
        "body.conversations.2.messages",
        "body.conversations.2.colour",
      ]),
    );
    expect(res.json().error.message).toContain("body.conversations.1.messages.0.role");
    expect((await t.app.inject({ url: "/v1/conversations/k8s-deploy" })).statusCode).toBe(404);
  });

  it(`takes 1 to ${MAX_BATCH_CONVERSATIONS} conversations`, async () => {
    const one = { messages: [{ role: "user", content: "hi" }] };
    const tooMany = await batch(Array.from({ length: MAX_BATCH_CONVERSATIONS + 1 }, () => one));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.message).toMatch(/^body\.conversations: .*100/);
    expect((await batch([])).statusCode).toBe(400);
  });

  it("counts each conversation in conversations_ingested_total and the request under its route", async () => {
    const before = (await telemetry.metrics.conversationsIngested.get()).values[0]?.value ?? 0;
    await batch(CORPUS.slice(0, 4));
    expect((await telemetry.metrics.conversationsIngested.get()).values[0]?.value).toBe(before + 4);
    const scrape = await t.app.inject({ url: "/metrics" });
    expect(scrape.body).toMatch(/http_requests_total\{[^}]*route="\/v1\/conversations\/batch"/);
  });
});

describe(`${URL} limits`, () => {
  const KEY_A = "batch-key-acme-1a2b";
  const KEY_B = "batch-key-globex-3c4d";
  const t = useApp({
    env: {
      API_KEYS: `${KEY_A}:acme,${KEY_B}:globex`,
      RATE_LIMIT_PER_MINUTE: "2",
      RATE_LIMIT_BURST: "0",
      BODY_LIMIT: "4096",
    },
  });
  const post = (payload: unknown, key?: string) =>
    t.app.inject({
      method: "POST",
      url: URL,
      payload: payload as object,
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });

  it("needs an API key, writes as the key's tenant, refuses another tenant's id per conversation", async () => {
    expect((await post({ conversations: [CORPUS[0]!] })).statusCode).toBe(401);
    expect((await post({ conversations: [CORPUS[0]!] }, KEY_A)).json().counts.ingested).toBe(1);
    const res = await post({ conversations: [CORPUS[0]!] }, KEY_B);
    expect(res.json().results[0]).toMatchObject({ status: "failed", error: { code: "FORBIDDEN" } });
  });

  it("is rate limited like any request and bounded by BODY_LIMIT", async () => {
    const big = { conversations: [{ messages: [{ role: "user", content: "x".repeat(5000) }] }] };
    expect((await post(big, KEY_A)).statusCode).toBe(413);
    expect((await post({ conversations: [CORPUS[1]!] }, KEY_A)).statusCode).toBe(200);
    const limited = await post({ conversations: [CORPUS[1]!] }, KEY_A);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("RATE_LIMITED");
  });
});
