/** Sentry delivery for real: the SDK sends envelopes to a fake ingest endpoint on 127.0.0.1. */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import * as Sentry from "@sentry/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../app/src/config.js";
import { initSentry } from "../../../app/src/telemetry/sentry.js";

interface Received {
  url: string;
  body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
}

let received: Received[];
let server: ReturnType<typeof createServer>;
let port: number;

beforeAll(async () => {
  received = [];
  server = createServer(async (req, res) => {
    received.push({ url: req.url ?? "", body: await readBody(req) });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await Sentry.close(1000);
  await new Promise((resolve) => server.close(resolve));
});

describe("initSentry", () => {
  it("is a no-op without SENTRY_DSN", async () => {
    const reporter = initSentry(loadConfig({ SENTRY_ENVIRONMENT: "staging" }));
    expect(reporter.enabled).toBe(false);
    expect(reporter.captureException(new Error("nowhere"))).toBeUndefined();
    expect(await reporter.flush(100)).toBe(true);
    expect(Sentry.isInitialized()).toBe(false);
    expect(received).toEqual([]);
  });

  it("delivers a captured error with its message, environment and tags to the DSN's project", async () => {
    const reporter = initSentry(
      loadConfig({
        SENTRY_DSN: `http://publickey@127.0.0.1:${port}/42`,
        SENTRY_ENVIRONMENT: "staging",
        SENTRY_TRACES_SAMPLE_RATE: "0.1",
        SENTRY_PROFILES_SAMPLE_RATE: "0.1",
        APP_VERSION: "9.9.9",
      }),
    );
    expect(reporter.enabled).toBe(true);
    const id = reporter.captureException(new Error("vector index exploded"), {
      tenant: "acme",
      route: "/v1/search",
    });
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await reporter.flush(5000)).toBe(true);

    const envelope = received.find((r) => r.body.includes("vector index exploded"));
    expect(envelope?.url.split("?")[0]).toBe("/api/42/envelope/");
    const event = envelope?.body
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line))
      .find((item) => item.event_id === id && "exception" in item);
    expect(event).toMatchObject({
      environment: "staging",
      release: "9.9.9",
      tags: { tenant: "acme", route: "/v1/search" },
      exception: { values: [{ type: "Error", value: "vector index exploded" }] },
    });
  });

  it("keeps API keys and request bodies of the failing request out of the event", async () => {
    const reporter = initSentry(loadConfig({ SENTRY_DSN: `http://publickey@127.0.0.1:${port}/42` }));
    const app = createServer(async (req, res) => {
      await readBody(req);
      reporter.captureException(new Error("handler failed"));
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appPort = (app.address() as AddressInfo).port;
    await fetch(`http://127.0.0.1:${appPort}/v1/search`, {
      method: "POST",
      headers: { authorization: "Bearer sk-LEAKPROBE-123", "user-agent": "leak-probe/1.0" },
      body: JSON.stringify({ query: "CONFIDENTIAL-CONVERSATION" }),
    });
    await new Promise((resolve) => app.close(resolve));
    expect(await reporter.flush(5000)).toBe(true);

    const envelope = received.find((r) => r.body.includes("handler failed"));
    expect(envelope?.body).toContain("leak-probe/1.0"); // request data was attached…
    expect(envelope?.body).not.toContain("LEAKPROBE"); // …without the key
    expect(envelope?.body).not.toContain("CONFIDENTIAL-CONVERSATION");
  });
});
