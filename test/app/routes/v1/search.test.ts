import { beforeEach, describe, expect, it } from "vitest";
import { CORPUS } from "../../corpus.js";
import { useApp } from "../../helpers.js";

describe("/v1/search and /v1/answer", () => {
  const t = useApp();
  beforeEach(async () => {
    for (const c of CORPUS) await t.app.inject({ method: "POST", url: "/v1/conversations", payload: c });
  });

  it("searches in hybrid mode by default with k results at most", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      payload: { query: "refund for a double charge", k: 2 },
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results.length).toBeLessThanOrEqual(2);
    // "refund" and "charge" occur only in the refund conversation.
    expect(results[0]).toMatchObject({ conversation_id: "refund", message_range: { start: 0, end: 1 } });
    expect(Object.keys(results[0]).sort()).toEqual([
      "chunk_id",
      "conversation_id",
      "created_at",
      "message_range",
      "score",
      "text",
    ]);
  });

  it("filters by conversation over HTTP", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      payload: { query: "refund for the Lisbon trip", filter: { conversation_id: "lisbon" } },
    });
    expect(res.json().results.map((r: { conversation_id: string }) => r.conversation_id)).toEqual(["lisbon"]);
    // Without the filter the refund conversation comes first: the filter, not the query, kept it out.
    const all = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      payload: { query: "refund for the Lisbon trip" },
    });
    expect(all.json().results[0].conversation_id).not.toBe("lisbon");
  });

  it("answers with citations, usage and model", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/answer",
      payload: { question: "Why is the connection pool exhausted?" },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model).toBe("extractive");
    expect(body.answer).toMatch(/connection pool is exhausted/);
    expect(body.citations[0]).toMatchObject({ conversation_id: "db-pool" });
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it("says so when nothing matches", async () => {
    await t.app.inject({ method: "DELETE", url: "/v1/conversations/pasta" });
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/answer",
      payload: { question: "anything", filter: { conversation_id: "pasta" } },
    });
    expect(res.json()).toMatchObject({
      answer: "No stored conversation matches the question.",
      citations: [],
    });
  });
});
