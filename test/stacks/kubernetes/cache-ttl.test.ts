import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../app/src/config.js";
import { resolveEnvironment } from "../../../environments/index.js";
import { appEnvironment } from "../../../stacks/app-environment.js";
import { find, rendered } from "./rendered-objects.js";

/**
 * CACHE_DEFAULT_TTL has its effect where the app is deployed: the stack passes the per-type TTLs the
 * model sets and no others, and the app falls back to CACHE_DEFAULT_TTL for the rest (the one place
 * the fallback lives).
 */
const TYPED = ["CACHE_EMBEDDING_TTL", "CACHE_SEARCH_TTL", "CACHE_RAG_TTL"] as const;
/** What staging's Deployment adds from its Secrets, as placeholders (the app requires them). */
const SECRETS = { CACHE_REDIS_URL: "redis://redis:6379/0", OPENAI_API_KEY: "sk-placeholder" };

describe("CACHE_DEFAULT_TTL in a deployed environment", () => {
  it("is what the cache uses for every type the model leaves unset (staging's ConfigMap)", async () => {
    const data = find(await rendered("staging"), "ConfigMap", "mcp-backend-config").data as Record<
      string,
      string
    >;
    expect(data.CACHE_DEFAULT_TTL).toBe("1800");
    expect(TYPED.filter((k) => k in data)).toEqual([]);
    // As an operator's change to the ConfigMap's CACHE_DEFAULT_TTL would reach the pods.
    const ttl = loadConfig({ ...data, ...SECRETS, CACHE_DEFAULT_TTL: "42" }, "/srv/app").cache.ttl;
    expect({ embedding: ttl.embedding, search: ttl.search, rag: ttl.rag }).toEqual({
      embedding: 42,
      search: 42,
      rag: 42,
    });
  });

  it("gives way to a per-type TTL the model sets, and only that one", () => {
    const env = resolveEnvironment("staging", { cache: { ttlSeconds: { rag: 60 } } });
    const settings = appEnvironment(env, { logFile: "" });
    expect(TYPED.filter((k) => k in settings)).toEqual(["CACHE_RAG_TTL"]);
    const ttl = loadConfig({ ...settings, ...SECRETS }, "/srv/app").cache.ttl;
    expect({ embedding: ttl.embedding, search: ttl.search, rag: ttl.rag }).toEqual({
      embedding: 1800,
      search: 1800,
      rag: 60,
    });
  });
});
