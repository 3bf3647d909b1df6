/**
 * Free-form JSON objects (a conversation's `metadata`): bounded in nesting depth, entries and size.
 * The bounds are measured by one iterative walk before anything recursive touches the value
 * (JSON.stringify, jsonb, a client's decoder), so a 5,000-deep object is a 400 naming the limit,
 * never a stack overflow.
 */
import { z } from "zod";

/** The one definition of the limits; error messages, the OpenAPI description and docs/app.md quote them. */
export const FREE_FORM_LIMITS = {
  /** Levels of nested objects and arrays; `{}` is 1 level, `{"a":{}}` 2. */
  depth: 16,
  /** Object keys plus array items, counted over the whole tree. */
  entries: 1000,
  /** UTF-8 bytes of the value written as compact JSON. */
  bytes: 64 * 1024,
  /** Characters of one key. */
  keyChars: 100,
} as const;

export interface JsonShape {
  /** Deepest nesting of objects and arrays (a scalar is 0). */
  depth: number;
  /** Object keys plus array items, over the whole tree. */
  entries: number;
  /** Characters of the longest key at any level. */
  longestKey: number;
  /** A key or string holds U+0000, which Postgres text and jsonb cannot store. */
  nul: boolean;
}

/** Depth, entries and NULs of a parsed JSON value, without recursion (any depth is safe to measure). */
export function measureJson(value: unknown): JsonShape {
  const shape: JsonShape = { depth: 0, entries: 0, longestKey: 0, nul: false };
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, level] = next;
    if (typeof node === "string") {
      if (node.includes("\u0000")) shape.nul = true;
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    shape.depth = Math.max(shape.depth, level + 1);
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node))
      for (const key of Object.keys(node)) {
        shape.longestKey = Math.max(shape.longestKey, key.length);
        if (key.includes("\u0000")) shape.nul = true;
      }
    shape.entries += children.length;
    for (const child of children) stack.push([child, level + 1]);
  }
  return shape;
}

const L = FREE_FORM_LIMITS;

/** What the OpenAPI document and the MCP tool schemas say about the limits. */
export const FREE_FORM_DESCRIPTION = `at most ${L.depth} levels of nesting, ${L.entries} keys and array items in all, ${L.bytes / 1024} KiB as JSON, keys of at most ${L.keyChars} characters; no NUL characters`;

/**
 * The problems of a free-form value against the limits, each worded as the rest of the error says
 * it (`<path>: <this>`): what was found, the limit, and the fix.
 */
export function freeFormProblems(value: unknown): string[] {
  const shape = measureJson(value);
  if (shape.depth > L.depth)
    // Only the depth: the size below needs JSON.stringify, which recurses.
    return [`nests ${shape.depth} levels deep; the limit is ${L.depth}; fix: flatten it`];
  const problems: string[] = [];
  if (shape.entries > L.entries)
    problems.push(
      `holds ${shape.entries} keys and array items; the limit is ${L.entries}; fix: keep fewer, or store the data elsewhere and reference it`,
    );
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (shape.longestKey > L.keyChars)
    problems.push(
      `has a key of ${shape.longestKey} characters; the limit is ${L.keyChars}; fix: shorten the key`,
    );
  if (bytes > L.bytes)
    problems.push(`is ${bytes} bytes as JSON; the limit is ${L.bytes}; fix: store less in it`);
  if (shape.nul) problems.push("must not contain NUL characters; fix: remove the NUL characters (\\u0000)");
  return problems;
}

/**
 * A free-form JSON object within {@link FREE_FORM_LIMITS}. The record check only looks at top-level
 * keys (its values are `unknown`); the walk runs next, and nothing after it recurses unbounded.
 * Each message carries its fix, since MCP clients see the message alone.
 */
export function freeFormObject() {
  return z
    .record(z.string(), z.unknown())
    .superRefine((value, ctx) => {
      for (const message of freeFormProblems(value)) ctx.addIssue({ code: "custom", message });
    })
    .meta({ maxProperties: L.entries });
}
