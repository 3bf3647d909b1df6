/** The OpenAI-compatible providers against a local stub server (real HTTP through global fetch). */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { OpenAiAnswerer } from "../../../app/src/answers/openai-answerer.js";
import { OpenAiEmbedder } from "../../../app/src/embeddings/openai-embedder.js";

interface Seen {
  path: string;
  auth: string | undefined;
  body: { input?: string[]; model?: string; messages?: { role: string; content: string }[] };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Serves `responses` in order (the last one repeats) and records each request. */
async function stub(responses: { status: number; body: (seen: Seen) => unknown }[]) {
  const seen: Seen[] = [];
  server = createServer(async (req: IncomingMessage, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const entry = { path: req.url ?? "", auth: req.headers.authorization, body: JSON.parse(raw) };
    seen.push(entry);
    const response = responses[Math.min(seen.length - 1, responses.length - 1)]!;
    res.writeHead(response.status, { "content-type": "application/json" });
    res.end(JSON.stringify(response.body(entry)));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, seen };
}

const vectors = (seen: Seen) => ({
  data: (seen.body.input ?? []).map((text, index) => ({ index, embedding: [text.length, 1, 0, 0] })),
});

describe("OpenAiEmbedder", () => {
  it("batches inputs, keeps their order and normalises vectors", async () => {
    const { baseUrl, seen } = await stub([{ status: 200, body: vectors }]);
    const embedder = new OpenAiEmbedder({
      apiKey: "sk-test",
      baseUrl,
      model: "m",
      dimensions: 4,
      batchSize: 2,
    });
    const out = await embedder.embed(["a", "bbb", "cc", "dddd", "e"]);
    expect(seen.map((s) => s.body.input)).toEqual([["a", "bbb"], ["cc", "dddd"], ["e"]]);
    expect(seen[0]).toMatchObject({ path: "/v1/embeddings", auth: "Bearer sk-test", body: { model: "m" } });
    expect(out).toHaveLength(5);
    expect(out[1]![0]! / out[1]![1]!).toBeCloseTo(3);
    expect(Math.hypot(...out[3]!)).toBeCloseTo(1);
  });

  it("retries 429 and 5xx with backoff, then succeeds", async () => {
    const { baseUrl, seen } = await stub([
      { status: 429, body: () => ({ error: "slow down" }) },
      { status: 503, body: () => ({ error: "busy" }) },
      { status: 200, body: vectors },
    ]);
    const embedder = new OpenAiEmbedder({ apiKey: "k", baseUrl, model: "m", dimensions: 4, baseDelayMs: 1 });
    expect(await embedder.embed(["x"])).toHaveLength(1);
    expect(seen).toHaveLength(3);
  });

  it("gives up with UPSTREAM_FAILED after its retries, and never retries a 400", async () => {
    const failing = await stub([{ status: 500, body: () => ({}) }]);
    const embedder = new OpenAiEmbedder({
      apiKey: "k",
      baseUrl: failing.baseUrl,
      model: "m",
      dimensions: 4,
      baseDelayMs: 1,
      retries: 2,
    });
    await expect(embedder.embed(["x"])).rejects.toMatchObject({ code: "UPSTREAM_FAILED", status: 502 });
    expect(failing.seen).toHaveLength(3);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const bad = await stub([{ status: 400, body: () => ({ error: "bad model" }) }]);
    const other = new OpenAiEmbedder({
      apiKey: "k",
      baseUrl: bad.baseUrl,
      model: "m",
      dimensions: 4,
      baseDelayMs: 1,
    });
    await expect(other.embed(["x"])).rejects.toThrow(/HTTP 400/);
    expect(bad.seen).toHaveLength(1);
  });

  it("rejects vectors of the wrong dimension instead of storing garbage", async () => {
    const { baseUrl } = await stub([
      { status: 200, body: () => ({ data: [{ index: 0, embedding: [1, 2] }] }) },
    ]);
    const embedder = new OpenAiEmbedder({ apiKey: "k", baseUrl, model: "m", dimensions: 4 });
    await expect(embedder.embed(["x"])).rejects.toThrow(/2 dimensions, expected 4/);
  });
});

describe("OpenAiAnswerer", () => {
  it("sends numbered context and parses citations back", async () => {
    const { baseUrl, seen } = await stub([
      {
        status: 200,
        body: () => ({
          choices: [{ message: { content: "Use pulumi up [2], as said before [2, 1]." } }],
          usage: { prompt_tokens: 50, completion_tokens: 9 },
          model: "gpt-test",
        }),
      },
    ]);
    const answerer = new OpenAiAnswerer({ apiKey: "k", baseUrl }, "gpt-test");
    const context = [
      { conversation_id: "a", chunk_id: "1", text: "user: hi" },
      { conversation_id: "b", chunk_id: "2", text: "assistant: run pulumi up" },
    ];
    const out = await answerer.answer("how to deploy?", context);
    expect(seen[0]!.path).toBe("/v1/chat/completions");
    expect(seen[0]!.body.messages?.[1]?.content).toContain("[2] assistant: run pulumi up");
    expect(out).toEqual({
      answer: "Use pulumi up [2], as said before [2, 1].",
      cited: [1, 0],
      usage: { prompt_tokens: 50, completion_tokens: 9 },
      model: "gpt-test",
    });
  });
});
