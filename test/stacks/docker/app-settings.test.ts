import { ENV } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import { resolveEnvironment } from "../../../environments/index.js";
import {
  dockerAppSettings,
  dockerSupportIssues,
  postgresFlags,
  secretSettings,
} from "../../../stacks/docker/app-settings.js";
import { runStackWithSecrets } from "../../helpers/stack.js";

describe("docker target support", () => {
  it("accepts the dev model", () => {
    expect(dockerSupportIssues(resolveEnvironment("dev", {}))).toEqual([]);
  });

  it("names every field that keeps staging off Docker (Redis cache, Jaeger)", () => {
    const paths = dockerSupportIssues(resolveEnvironment("staging", {})).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["cache.backend", "observability.tracing"]));
  });

  it("names the replica and the pooler of prod", () => {
    const paths = dockerSupportIssues(resolveEnvironment("prod", {})).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["database.readReplica", "database.pooler.enabled"]));
  });

  it("stops `pulumi up` of staging with target docker, pointing at the kubernetes target", async () => {
    await expect(runStackWithSecrets("staging", { config: { target: "docker" } })).rejects.toThrow(
      /cache\.backend.*mcp-stack:target kubernetes/s,
    );
  });
});

describe("app settings", () => {
  it("passes no credential as a plain setting", () => {
    const names = dockerAppSettings(resolveEnvironment("dev", {})).map(([n]) => n);
    for (const secret of [ENV.DATABASE_URL, ENV.OPENAI_API_KEY, ENV.API_KEYS, ENV.CACHE_REDIS_URL])
      expect(names).not.toContain(secret);
  });

  it("sets each variable once", () => {
    const names = dockerAppSettings(resolveEnvironment("dev", {})).map(([n]) => n);
    expect(new Set(names).size).toBe(names.length);
  });

  it("follows an override of the model", () => {
    const env = resolveEnvironment("dev", { cache: { maxSize: 2500 }, runtime: { workers: 3 } });
    const settings = Object.fromEntries(dockerAppSettings(env));
    expect(settings[ENV.CACHE_MAX_SIZE]).toBe("2500");
    expect(settings[ENV.WORKERS]).toBe("3");
  });

  it("asks for the OpenAI key and API keys only when the model needs them", () => {
    expect(secretSettings(resolveEnvironment("dev", {}))).toEqual([]);
    const env = resolveEnvironment("dev", {
      llm: { embeddingProvider: "openai", embeddingModel: "text-embedding-3-small" },
      runtime: { requireApiKeys: true },
    });
    expect(secretSettings(env).map((s) => s.name)).toEqual([ENV.OPENAI_API_KEY, ENV.API_KEYS]);
  });

  it("tunes dev Postgres to a quarter and three quarters of its 1Gi (the reference's 25% / 75% rule)", () => {
    const flags = postgresFlags(resolveEnvironment("dev", {}));
    expect(flags).toEqual(expect.arrayContaining(["shared_buffers=256MB", "effective_cache_size=768MB"]));
  });
});
