/** The redaction layers on their own: which values count as secrets, scrubbing, the logged configuration. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../app/src/config.js";
import {
  createScrubber,
  describeConfig,
  REDACTED,
  secretValues,
} from "../../../app/src/telemetry/redaction.js";

const config = loadConfig({
  DATABASE_URL: "postgres://app:p%40ss-w0rd%22q@db.internal:5432/mcp",
  DATABASE_REPLICA_URL: "postgres://ro:replica-pw-123@db-replica:5432/mcp",
  CACHE_BACKEND: "redis",
  CACHE_REDIS_URL: "redis://:redis-pw-456@redis:6379/0",
  OPENAI_API_KEY: "sk-unit-test-key-789",
  SENTRY_DSN: "https://sentrykey123@o1.ingest.sentry.io/42",
  API_KEYS: "apikey-one-111:tenant-a,apikey-two-222:tenant-b",
});

describe("redaction", () => {
  const scrub = createScrubber(secretValues(config));

  it.each([
    ["a URL's password, percent-encoded", "p%40ss-w0rd%22q"],
    ["a URL's password, decoded", 'p@ss-w0rd"q'],
    ["the decoded password as JSON escapes it", 'p@ss-w0rd\\"q'],
    ["the replica's password", "replica-pw-123"],
    ["the Redis password", "redis-pw-456"],
    ["the OpenAI key", "sk-unit-test-key-789"],
    ["the Sentry key", "sentrykey123"],
    ["an API key", "apikey-two-222"],
  ])("scrubs %s", (_what, value) => {
    expect(scrub(`before ${value} after`)).toBe(`before ${REDACTED} after`);
  });

  it("leaves lines without secrets alone", () => {
    const line = '{"msg":"request completed","tenant":"tenant-a","host":"db.internal"}';
    expect(scrub(line)).toBe(line);
  });

  it("logs hosts and tenants but no credential in the configuration", () => {
    const text = JSON.stringify(describeConfig(config));
    expect(text).toContain("postgres://app:***@db.internal:5432/mcp");
    expect(text).toContain("redis://:***@redis:6379/0");
    expect(text).toContain('"tenants":["tenant-a","tenant-b"]');
    expect(scrub(text)).toBe(text);
  });
});
