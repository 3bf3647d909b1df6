/** Plain JSON-ish object (what zod and Pulumi structured config produce). */
export type PlainObject = { [key: string]: unknown };

export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Deep-merge `override` into `base`: objects merge key by key, everything else (arrays included)
 * replaces. Neither input is modified. `pulumi config set --path mcp-stack:a.b.c` produces exactly
 * such partial objects.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = deepMerge(base[key], value);
  }
  return out;
}
