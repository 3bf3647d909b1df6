/** Cache keys: readable prefixes for operators (`redis-cli --scan`), a hash for the request itself. */
import { createHash } from "node:crypto";
import type { CacheKey } from "./types.js";

/** JSON with object keys sorted at every level, `undefined` fields dropped: equal requests, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

// Tenants (API_KEYS) and model names can't contain ':' today; encoding keeps the key shape unambiguous anyway.
const part = (s: string) => encodeURIComponent(s);

/** Where a tenant's data version lives (Redis key, or memory map key). */
export function dataVersionKey(tenant: string): string {
  return `dataversion:${part(tenant)}`;
}

/**
 * `embedding:<provider>:<model>:<dimensions>:<sha256(text)>`, or
 * `<search|rag>:<tenant>:v<version>:<sha256(canonical request)>`.
 */
export function entryKey(key: CacheKey, version: number): string {
  if (key.type === "embedding") {
    return `embedding:${part(key.provider)}:${part(key.model)}:${key.dimensions}:${sha256(key.text)}`;
  }
  return `${key.type}:${part(key.tenant)}:v${version}:${sha256(canonicalJson(key.request) ?? "null")}`;
}
