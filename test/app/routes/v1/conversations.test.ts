import { describe, expect, it } from "vitest";
import { CORPUS } from "../../corpus.js";
import { useApp } from "../../helpers.js";

describe("/v1/conversations", () => {
  const t = useApp();
  const ingest = (payload: object) => t.app.inject({ method: "POST", url: "/v1/conversations", payload });

  it("ingests a conversation and returns its id and counts with 201", async () => {
    const res = await ingest(CORPUS[0]!);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      conversation_id: "k8s-deploy",
      messages: 2,
      chunks: 1,
      added: { messages: 2, chunks: 1 },
    });
  });

  it("generates an id when none is given", async () => {
    const res = await ingest({ messages: [{ role: "user", content: "hello" }] });
    expect(res.statusCode).toBe(201);
    expect(res.json().conversation_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is idempotent by id over HTTP", async () => {
    await ingest(CORPUS[0]!);
    const again = await ingest(CORPUS[0]!);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ messages: 2, chunks: 1, added: { messages: 0, chunks: 0 } });
  });

  it("returns a stored conversation with its messages in order", async () => {
    await ingest(CORPUS[2]!);
    const res = await t.app.inject({ method: "GET", url: "/v1/conversations/db-pool" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: "db-pool", title: "Connection errors", user_id: "alice", metadata: {} });
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(["system", "user", "assistant"]);
    expect(body.messages[0].created_at).toBe("2025-03-05T08:00:00.000Z");
  });

  it("deletes a conversation: 204, then 404 for GET and DELETE", async () => {
    await ingest(CORPUS[1]!);
    expect((await t.app.inject({ method: "DELETE", url: "/v1/conversations/pasta" })).statusCode).toBe(204);
    const get = await t.app.inject({ method: "GET", url: "/v1/conversations/pasta" });
    expect(get.statusCode).toBe(404);
    expect(get.json()).toEqual({ error: { code: "NOT_FOUND", message: "Conversation pasta not found" } });
    expect((await t.app.inject({ method: "DELETE", url: "/v1/conversations/pasta" })).statusCode).toBe(404);
  });

  it("answers 409 when a re-send changes a stored message", async () => {
    await ingest(CORPUS[1]!);
    const res = await ingest({ id: "pasta", messages: [{ role: "user", content: "changed" }] });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("CONFLICT");
  });
});
