/**
 * The contract between infra and app: every setting the stacks render for each environment (the
 * Kubernetes ConfigMap and the Docker container), plus dummy values for the secrets, must parse.
 */

import { ENV, type EnvName, SECRET_ENV } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/src/config.js";
import { ENVIRONMENT_NAMES, resolveEnvironment } from "../../environments/index.js";
import { dockerAppSettings as dockerSettings } from "../../stacks/docker/app-settings.js";
import { kubernetesAppConfig as kubernetesSettings } from "../../stacks/kubernetes/app-config.js";

/** A valid dummy for each secret variable (the stacks deliver these from Secrets). */
const DUMMY_SECRETS: Partial<Record<EnvName, string>> = {
  [ENV.DATABASE_URL]: "postgresql://app:pw@db-primary:5432/mcp",
  [ENV.DATABASE_REPLICA_URL]: "postgresql://app:pw@db-replica:5432/mcp",
  [ENV.CACHE_REDIS_URL]: "redis://redis:6379/0",
  [ENV.SENTRY_DSN]: "https://public@sentry.example.com/1",
  [ENV.OPENAI_API_KEY]: "sk-dummy",
  [ENV.API_KEYS]: "dummy-key-a:tenant-a,dummy-key-b:tenant-b",
};

const TARGETS = [
  ["kubernetes", kubernetesSettings],
  ["docker", (env: ReturnType<typeof resolveEnvironment>) => Object.fromEntries(dockerSettings(env))],
] as const;

describe("the stacks' rendered app settings", () => {
  it("cover every secret variable of the contract with a dummy", () => {
    expect(Object.keys(DUMMY_SECRETS).sort()).toEqual([...SECRET_ENV].sort());
  });

  for (const name of ENVIRONMENT_NAMES) {
    for (const [target, render] of TARGETS) {
      it(`parse for ${name} on ${target}, with the model's runtime knobs`, () => {
        const env = resolveEnvironment(name);
        const settings = render(env);
        const config = loadConfig({ ...settings, ...DUMMY_SECRETS });
        expect(config.rateLimit).toEqual({
          perMinute: env.runtime.rateLimitPerMinute,
          burst: env.runtime.rateLimitBurst,
        });
        expect(config.runtime.workerConnections).toBe(env.runtime.workerConnections);
        expect(config.runtime.requestTimeoutSeconds).toBe(env.runtime.requestTimeoutSeconds);
        expect(config.runtime.keepAliveTimeoutSeconds).toBe(env.runtime.keepaliveTimeoutSeconds);
        expect(config.bodyLimit).toBe(env.runtime.bodyLimitBytes);
        expect(config.apiKeys.get("dummy-key-b")).toBe("tenant-b");
      });
    }
  }
});

describe("RATE_LIMIT_PER_MINUTE and API_KEYS", () => {
  it("accepts RATE_LIMIT_PER_MINUTE=0 (rate limiting off, the dev model's value)", () => {
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: "0", RATE_LIMIT_BURST: "0" }).rateLimit).toEqual({
      perMinute: 0,
      burst: 0,
    });
  });

  it("defaults to the reference's 100 per minute with a burst of 20", () => {
    expect(loadConfig({}).rateLimit).toEqual({ perMinute: 100, burst: 20 });
  });

  it("parses API_KEYS into key → tenant", () => {
    const keys = loadConfig({ API_KEYS: "alpha-key:acme, beta-key:globex" }).apiKeys;
    expect([...keys]).toEqual([
      ["alpha-key", "acme"],
      ["beta-key", "globex"],
    ]);
  });

  it.each([
    ["a key without a tenant", "s3cr3t-value-one:acme,s3cr3t-value-two", "entry 2 of 2"],
    ["an empty entry", "s3cr3t-value-one:acme,,", "entry 2 of 3"],
    ["a tenant with spaces", "s3cr3t-value-one:ac me", "entry 1 of 1"],
    ["a repeated key", "s3cr3t-value-one:acme,s3cr3t-value-one:globex", "repeats"],
    ["an extra colon", "s3cr3t-value-one:acme:x", "entry 1 of 1"],
  ])("rejects %s naming API_KEYS and the entry, never the key", (_what, value, where) => {
    let error: unknown;
    try {
      loadConfig({ API_KEYS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("API_KEYS");
    expect(message).toContain(where);
    expect(message).not.toMatch(/s3cr3t/);
    expect(JSON.stringify((error as ConfigError).issues)).not.toMatch(/s3cr3t/);
  });
});
