/** Shapes shared by several resources. Input objects are strict: unknown fields are rejected by name. */
import { z } from "zod";

/** Postgres text cannot hold NUL; reject it as bad input rather than fail in the database. */
const noNul = (s: string) => !s.includes("\u0000");

/** A non-empty string of at most `max` characters that Postgres can store. */
export function text(max: number, options: { trim?: boolean } = {}) {
  const base = options.trim ? z.string().trim() : z.string();
  return base.min(1).max(max).refine(noNul, "must not contain NUL characters");
}

export const ROLES = ["user", "assistant", "system", "tool"] as const;
export const Role = z.enum(ROLES);

export const ConversationId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, "may contain only letters, digits and . _ : @ -");

export const Timestamp = z.iso.datetime({ offset: true });

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
