/** REQUEST_TIMEOUT, KEEPALIVE_TIMEOUT, WORKER_CONNECTIONS and BODY_LIMIT act on real requests. */
import { connect, type Socket } from "node:net";
import { HTTP_PATHS } from "@mcp-stack/contract";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { Answerer } from "../../app/src/answers/answerer.js";
import type { Embedder } from "../../app/src/embeddings/embedder.js";
import { startApp, testEmbedder, useDatabase } from "./helpers.js";

/** Work that never finishes by itself: it settles only when the request's signal aborts, and records that. */
function hangUntilAborted(seen: { aborted: boolean }, signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (!signal) return reject(new Error("no signal was passed down"));
    signal.addEventListener("abort", () => {
      seen.aborted = true;
      reject(signal.reason);
    });
  });
}

const db = useDatabase();
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("REQUEST_TIMEOUT", () => {
  it("answers a search that runs too long with 504 in the error format and aborts the embedder", async () => {
    const seen = { aborted: false };
    const inner = testEmbedder();
    const slow: Embedder = {
      provider: inner.provider,
      model: inner.model,
      dimensions: inner.dimensions,
      embed: (_texts, options) => hangUntilAborted(seen, options?.signal),
    };
    app = await startApp(db.current.databases, { env: { REQUEST_TIMEOUT: "1" }, embedder: slow });
    const res = await app.inject({ method: "POST", url: "/v1/search", payload: { query: "anything" } });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toEqual({
      error: { code: "TIMEOUT", message: "The request did not finish within REQUEST_TIMEOUT (1 s)" },
    });
    expect(seen.aborted).toBe(true);
  });

  it("answers an answer that runs too long with 504 and aborts the answerer", async () => {
    const seen = { aborted: false };
    const slow: Answerer = {
      model: "slow",
      answer: (_question, _context, options) => hangUntilAborted(seen, options?.signal),
    };
    app = await startApp(db.current.databases, { env: { REQUEST_TIMEOUT: "1" }, answerer: slow });
    const res = await app.inject({ method: "POST", url: "/v1/answer", payload: { question: "why?" } });
    expect(res.statusCode).toBe(504);
    expect(res.json().error.code).toBe("TIMEOUT");
    expect(seen.aborted).toBe(true);
  });

  it("leaves requests that finish in time alone", async () => {
    app = await startApp(db.current.databases, { env: { REQUEST_TIMEOUT: "1" } });
    const res = await app.inject({ method: "POST", url: "/v1/search", payload: { query: "anything" } });
    expect(res.statusCode).toBe(200);
  });
});

describe("KEEPALIVE_TIMEOUT and WORKER_CONNECTIONS", () => {
  it("set the HTTP server's keepAliveTimeout and maxConnections", async () => {
    app = await startApp(db.current.databases, {
      env: { KEEPALIVE_TIMEOUT: "7", WORKER_CONNECTIONS: "250" },
    });
    expect(app.server.keepAliveTimeout).toBe(7000);
    expect(app.server.maxConnections).toBe(250);
  });

  it("drops a connection beyond WORKER_CONNECTIONS while the first one is served", async () => {
    app = await startApp(db.current.databases, { env: { WORKER_CONNECTIONS: "1" } });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    const request = `GET ${HTTP_PATHS.live} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(address.port, "127.0.0.1", () => resolve(socket));
        socket.once("error", reject);
      });
    const first = await open();
    const firstReply = new Promise<string>((resolve) => first.once("data", (d) => resolve(d.toString())));
    first.write(request);
    expect(await firstReply).toMatch(/^HTTP\/1\.1 200/);

    const second = await open();
    const outcome = await new Promise<string>((resolve) => {
      let received = "";
      second.on("data", (d) => {
        received += d.toString();
      });
      second.on("error", () => {});
      second.once("close", () => resolve(received));
      second.write(request);
    });
    expect(outcome).toBe("");
    first.destroy();
  });
});

describe("BODY_LIMIT", () => {
  it("answers 413 in the error format above the limit and accepts a body just under it", async () => {
    app = await startApp(db.current.databases, { env: { BODY_LIMIT: "2048" } });
    const body = (size: number) => {
      const base = JSON.stringify({ query: "" });
      return JSON.stringify({ query: "a".repeat(size - base.length) });
    };
    const over = await app.inject({
      method: "POST",
      url: "/v1/search",
      headers: { "content-type": "application/json" },
      payload: body(2049),
    });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toEqual({
      error: { code: "PAYLOAD_TOO_LARGE", message: "Body exceeds the size limit" },
    });
    const under = await app.inject({
      method: "POST",
      url: "/v1/search",
      headers: { "content-type": "application/json" },
      payload: body(2048),
    });
    expect(under.statusCode).not.toBe(413);
  });
});
