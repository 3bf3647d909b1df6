/**
 * The one catalogue of the app's coded errors (like fastify's `lib/errors.js`). Routes, services
 * and MCP tools throw {@link AppError}; the error handler turns it into
 * `{ error: { code, message, details? } }` with the catalogued status.
 */
import type { z } from "zod";

export const ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    message: "Invalid input",
    when: "Wrong type, empty, too long or unknown field; the message names each field, details.issues lists them.",
  },
  INVALID_JSON: {
    status: 400,
    message: "Body is not valid JSON",
    when: "The body is malformed JSON, or not UTF-8 (the message gives the byte offset).",
  },
  NOT_FOUND: {
    status: 404,
    message: "Not found",
    when: "Unknown conversation (or one of another tenant), or unknown route.",
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: "Method not allowed",
    when: "GET or DELETE on the stateless MCP endpoint.",
  },
  CONFLICT: {
    status: 409,
    message: "Conflicts with stored data",
    when: "A re-sent conversation changes a stored message.",
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: "Body exceeds the size limit",
    when: "The body is larger than BODY_LIMIT.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: "Content-Type must be application/json",
    when: "A body that is not application/json, or declares a charset other than utf-8.",
  },
  RATE_LIMITED: {
    status: 429,
    message: "Too many requests",
    when: "Over RATE_LIMIT_PER_MINUTE + RATE_LIMIT_BURST in the window; see Retry-After.",
  },
  UNAUTHORIZED: {
    status: 401,
    message: "Missing or invalid API key",
    when: "API_KEYS is set and the bearer key is missing or unknown.",
  },
  FORBIDDEN: {
    status: 403,
    message: "Not allowed for this tenant",
    when: "Ingest with an id that belongs to another tenant.",
  },
  INTERNAL: { status: 500, message: "Internal error", when: "A bug; the message is logged, not echoed." },
  UPSTREAM_FAILED: {
    status: 502,
    message: "The model provider failed",
    when: "The OpenAI-compatible provider failed after retries.",
  },
  DB_UNAVAILABLE: {
    status: 503,
    message: "The database is unavailable; retry later",
    when: "The database cannot be reached; Retry-After (seconds) says when to try again.",
  },
  TIMEOUT: { status: 504, message: "The request timed out", when: "The request ran past REQUEST_TIMEOUT." },
} as const satisfies Record<string, { status: number; message: string; when: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** A coded error; its status comes from {@link ERRORS}. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly status: number;
  constructor(
    code: ErrorCode,
    message: string = ERRORS[code].message,
    details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.name = "AppError";
    this.status = ERRORS[code].status;
  }

  /** The wire shape. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** `messages.0.role` style path; `where` prefixes it (`body`, `params`). */
function issuePath(where: string, path: readonly PropertyKey[]): string {
  return [where, ...path.map(String)].filter(Boolean).join(".");
}

/** A 400 whose message names each offending field. */
export function validationError(error: z.ZodError, where: string): AppError {
  const issues = error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((key) => ({ path: issuePath(where, [...i.path, key]), message: "unknown field" }))
      : [{ path: issuePath(where, i.path), message: i.message }],
  );
  const message = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return new AppError("VALIDATION_FAILED", message, { issues });
}

/** Parses `data` or throws a 400 naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, where: string): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}
