/**
 * Log sanitisation, end to end: the real entry point runs with secrets in every secret variable,
 * serves authenticated requests, fails some (401, 404, a database outage's 503 that also goes to
 * Sentry), logs its configuration at start-up and shuts down. No secret value may appear in stdout,
 * stderr, LOG_FILE or the Sentry payloads.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS } from "../corpus.js";
import { tempDir } from "../helpers.js";
import {
  baseEnv,
  type ChildApp,
  httpRequest,
  serveDatabase,
  startChildApp,
  type WireDatabase,
} from "../lifecycle/child-app.js";

/** Distinctive values, one per secret variable (and the parts of URLs that are secret). */
const SECRETS = {
  dbPassword: "Pg-S3cret-Pass-771",
  openaiKey: "sk-test-LEAKCHECK-openai-4242",
  apiKeyA: "key-LEAKCHECK-alpha-0001",
  apiKeyB: "key-LEAKCHECK-beta-0002",
  sentryKey: "sentrypublickeyLEAKCHECK99",
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
}

describe("log redaction", () => {
  let database: WireDatabase;
  let app: ChildApp;
  let sentry: Server;
  const sentryBodies: string[] = [];
  let logs: Awaited<ReturnType<typeof tempDir>>;
  let logFile: string;
  let databaseUrl: string;

  beforeAll(async () => {
    sentry = createServer(async (req, res) => {
      sentryBodies.push(await readBody(req));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => sentry.listen(0, "127.0.0.1", resolve));
    const sentryPort = (sentry.address() as AddressInfo).port;
    database = await serveDatabase(2);
    logs = await tempDir();
    // A directory that does not exist yet: the logger creates it.
    logFile = path.join(logs.dir, "nested", "mcp-backend", "app.log");
    databaseUrl = database.url("app", SECRETS.dbPassword);
    app = await startChildApp({
      ...baseEnv(databaseUrl),
      // The lowest level: every line any level writes is in the output checked below (issue 15, point 3).
      LOG_LEVEL: "trace",
      LOG_FILE: logFile,
      OPENAI_API_KEY: SECRETS.openaiKey,
      API_KEYS: `${SECRETS.apiKeyA}:tenant-a,${SECRETS.apiKeyB}:tenant-b`,
      SENTRY_DSN: `http://${SECRETS.sentryKey}@127.0.0.1:${sentryPort}/7`,
      SENTRY_ENVIRONMENT: "staging",
    });
    await app.listening();
  });
  afterAll(async () => {
    app?.kill();
    await database?.stop();
    await new Promise((resolve) => sentry?.close(resolve));
    await logs?.remove();
  });

  it("never writes a configured secret to stdout, stderr, LOG_FILE or Sentry", async () => {
    const auth = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
    const ingest = await httpRequest(`${app.baseUrl}/v1/conversations`, {
      method: "POST",
      headers: auth(SECRETS.apiKeyA),
      body: JSON.stringify(CORPUS[0]),
    });
    expect(ingest.status).toBe(201);
    const search = {
      method: "POST",
      headers: auth(SECRETS.apiKeyB),
      body: JSON.stringify({ query: "deploy" }),
    };
    expect((await httpRequest(`${app.baseUrl}/v1/search`, search)).status).toBe(200);
    expect(
      (await httpRequest(`${app.baseUrl}/v1/search`, { ...search, headers: auth("wrong-key") })).status,
    ).toBe(401);
    // A client that puts a key in the URL: the URL is logged, the key must not be.
    const leakyUrl = `${app.baseUrl}/v1/conversations/nope?api_key=${SECRETS.apiKeyA}`;
    expect((await httpRequest(leakyUrl, { headers: auth(SECRETS.apiKeyA) })).status).toBe(404);

    // A database outage: 503s, logged as errors with the driver's messages, reported to Sentry.
    await database.stop();
    const outage = await httpRequest(`${app.baseUrl}/v1/search`, {
      ...search,
      body: JSON.stringify({ query: "outage" }),
    });
    expect(outage.status).toBe(503);

    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);

    const stdout = app.output();
    const file = await readFile(logFile, "utf8");
    // The logs are really there: the configuration, the requests and the error.
    for (const text of [stdout, file]) {
      expect(text).toContain('"msg":"configuration"');
      expect(text).toContain("postgres://app:***@127.0.0.1");
      expect(text).toContain("request completed");
      expect(text).toContain("DB_UNAVAILABLE");
    }
    expect(sentryBodies.some((b) => b.includes('"environment":"staging"'))).toBe(true);

    const secretValues = [...Object.values(SECRETS), databaseUrl];
    for (const [where, text] of [
      ["stdout/stderr", stdout],
      ["LOG_FILE", file],
    ] as const) {
      for (const secret of secretValues) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
    // Sentry's envelope names its own DSN (the destination's key); nothing else may reach it.
    const toSentry = sentryBodies.join("\n");
    for (const secret of secretValues.filter((v) => v !== SECRETS.sentryKey)) {
      expect(toSentry.includes(secret), `${secret} in Sentry`).toBe(false);
    }
  });
});
