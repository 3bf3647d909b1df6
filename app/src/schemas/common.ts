/** Shapes shared by several resources. Input objects are strict: unknown fields are rejected by name. */
import { z } from "zod";

/** The refinements' messages: the NDJSON import words a fix for each (app/src/import/parse-line.ts). */
export const NUL_MESSAGE = "must not contain NUL characters";
export const TIMESTAMP_MESSAGE = "must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T00:00:00Z";

/** Postgres text cannot hold NUL; reject it as bad input rather than fail in the database. */
const noNul = (s: string) => !s.includes("\u0000");

/** A non-empty string of at most `max` characters that Postgres can store. */
export function text(max: number, options: { trim?: boolean } = {}) {
  const base = options.trim ? z.string().trim() : z.string();
  return base.min(1).max(max).refine(noNul, NUL_MESSAGE);
}

export const ROLES = ["user", "assistant", "system", "tool"] as const;
export const Role = z.enum(ROLES);

export const ConversationId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, "may contain only letters, digits and . _ : @ -");

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * An ISO 8601 date-time with a time zone. Checked by zod's own ISO parser, but published as
 * `format: date-time`: zod's regex is ~400 characters and every schema that uses it (tools/list,
 * OpenAPI) would repeat it.
 */
export const Timestamp = z
  .string()
  .refine((s) => isoDateTime.safeParse(s).success, TIMESTAMP_MESSAGE)
  .meta({ format: "date-time" });

/**
 * A count argument (`k`, `limit`): a whole number from 1 to `max`. One rule for every one of them, in
 * REST bodies and query strings and MCP tool arguments alike: a JSON number, or a string of digits (a
 * query string carries "20", and some MCP clients send numbers as strings). Anything else is refused
 * by name, never coerced (`true`, "", "abc" are not 1, 0 and NaN).
 */
/**
 * A rejected value as an error message shows it: a scalar as JSON (a long string cut), an object or an
 * array by its kind only. Never the whole value: echoing a deep object back (JSON.stringify recurses)
 * overflowed the stack on a 10,000-level `k`, and a large one would bloat the error.
 */
export function describeReceived(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === undefined ? "nothing" : String(value);
}

export function count(max: number, fallback: number) {
  const whole = `must be a whole number from 1 to ${max}`;
  return z
    .preprocess(
      (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
      z
        .number({ error: (issue) => `${whole}, received ${describeReceived(issue.input)}` })
        .int(whole)
        .min(1, whole)
        .max(max, whole),
    )
    .default(fallback);
}

export const SearchFilter = z
  .strictObject({
    conversation_id: ConversationId.optional().describe("Only chunks of this conversation."),
    user_id: text(200).optional().describe("Only conversations of this user."),
    role: Role.optional().describe("Only chunks containing a message with this role."),
    since: Timestamp.optional().describe(
      "Only chunks whose newest message is at or after this ISO 8601 time.",
    ),
    until: Timestamp.optional().describe(
      "Only chunks whose newest message is at or before this ISO 8601 time.",
    ),
  })
  .describe("Restricts which stored chunks are considered.");
export type SearchFilter = z.infer<typeof SearchFilter>;

export const MessageRange = z
  .object({
    start: z.number().int().describe("Index of the first message covered (0-based, inclusive)."),
    end: z.number().int().describe("Index of the last message covered (inclusive)."),
  })
  .describe("Which messages of the conversation the chunk covers.");
