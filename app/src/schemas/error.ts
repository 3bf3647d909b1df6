/**
 * The error shape of every REST route, `{ error: { code, message, details? } }`, and the response
 * entries routes declare from the catalogue (`lib/errors.ts`): one schema per status, whose `code`
 * lists the catalogued codes a route can answer with at that status, with an example each.
 */
import { z } from "zod";
import { ERRORS, type ErrorCode } from "../lib/errors.js";

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Any route behind the API key can answer these. */
export const COMMON_ERRORS = [
  "UNAUTHORIZED",
  "RATE_LIMITED",
  "INTERNAL",
  "DB_UNAVAILABLE",
  "TIMEOUT",
] as const;
/** A route with a JSON body adds these. */
export const BODY_ERRORS = [
  "VALIDATION_FAILED",
  "INVALID_JSON",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
] as const;

/** What the app really says in each case (the catalogue's default message otherwise). */
const EXAMPLES: Partial<Record<ErrorCode, { message: string; details?: unknown }>> = {
  VALIDATION_FAILED: {
    message: "body.query: Too small: expected string to have >=1 characters",
    details: {
      issues: [{ path: "body.query", message: "Too small: expected string to have >=1 characters" }],
    },
  },
  INVALID_JSON: { message: "Body is not valid JSON: Unexpected end of JSON input" },
  NOT_FOUND: { message: "Conversation k8s-deploy not found" },
  METHOD_NOT_ALLOWED: { message: "This MCP endpoint is stateless: use POST" },
  CONFLICT: {
    message:
      "messages.0 differs from the stored message 0 of conversation k8s-deploy; stored messages cannot be changed (delete the conversation to replace it)",
  },
  UNAUTHORIZED: { message: "Send an API key: Authorization: Bearer <key>" },
  FORBIDDEN: { message: "Conversation id k8s-deploy belongs to another tenant" },
};

function errorBodyFor(codes: ErrorCode[]) {
  const [first, ...rest] = codes as [ErrorCode, ...ErrorCode[]];
  return z
    .object({
      error: z.object({
        code: z.enum([first, ...rest]).describe("Stable machine-readable code (the catalogue)."),
        message: z.string().describe("For people; names each offending field on a 400. Not echoed for 5xx."),
        details: z
          .unknown()
          .optional()
          .describe("VALIDATION_FAILED: `{ issues: [{ path, message }] }` with every problem."),
      }),
    })
    .describe(codes.map((c) => `\`${c}\`: ${ERRORS[c].when}`).join(" "))
    .meta({
      examples: codes.map((code) => ({
        error: { code, message: EXAMPLES[code]?.message ?? ERRORS[code].message, ...detailsOf(code) },
      })),
    });
}

function detailsOf(code: ErrorCode): { details?: unknown } {
  const details = EXAMPLES[code]?.details;
  return details === undefined ? {} : { details };
}

/** `response` entries for these codes, one per status (the route's own success entries go beside them). */
export function errorResponses(...codes: readonly ErrorCode[]): Record<number, z.ZodType> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => [status, errorBodyFor(list)]),
  );
}
