/**
 * One NDJSON line → one conversation, validated by the ingest schema. A bad line yields every
 * problem at once, each with its line number, the field's path and what to change.
 */
import type { z } from "zod";
import { describeUtf8Fault, type Utf8Fault } from "../lib/utf8.js";
import { NUL_MESSAGE, TIMESTAMP_MESSAGE } from "../schemas/common.js";
import {
  IngestConversationInput,
  MAX_CONTENT_CHARS,
  MAX_MESSAGES,
  MessageInput,
} from "../schemas/conversation.js";

const DATETIME_FIX = "write an ISO 8601 time with an offset, e.g. 2025-01-10T10:00:00Z";

export type ParsedLine =
  | { ok: true; input: IngestConversationInput }
  | { ok: false; problems: string[] }
  | { ok: "blank" };

const FIELDS = {
  conversation: Object.keys(IngestConversationInput.shape).join(", "),
  message: Object.keys(MessageInput.shape).join(", "),
};

/** What to change so the issue goes away, in the file's terms. */
export function fixFor(issue: z.core.$ZodIssue): string {
  const inMessage = issue.path[0] === "messages" && issue.path.length >= 2;
  switch (issue.code) {
    case "unrecognized_keys":
      return `remove it; the fields are ${inMessage ? FIELDS.message : FIELDS.conversation}`;
    case "invalid_type":
      // zod does not keep the input on the issue; its message says what was received.
      return /received undefined$/.test(issue.message)
        ? `add it (${issue.expected})`
        : `make it ${article(issue.expected)}`;
    case "invalid_value":
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return issue.format === "datetime" ? DATETIME_FIX : "use only letters, digits and . _ : @ -";
    case "too_small":
      return issue.origin === "string" ? "make it non-empty" : `give at least ${issue.minimum}`;
    case "too_big":
      if (issue.path[0] === "messages" && issue.path.length === 1) {
        return `keep at most ${MAX_MESSAGES} messages per conversation`;
      }
      if (issue.path.at(-1) === "content") return `keep a message under ${MAX_CONTENT_CHARS} characters`;
      return `shorten it to at most ${issue.maximum}`;
    case "custom":
      // The free-form limits word their own fix (MCP clients see only the message).
      if (issue.message.includes("; fix: ")) return "";
      if (issue.message === TIMESTAMP_MESSAGE) return DATETIME_FIX;
      if (issue.message === NUL_MESSAGE) return "remove the NUL characters (\\u0000)";
      return "see the ingest schema in docs/app.md";
    default:
      return "see the ingest schema in docs/app.md";
  }
}

function fixOf(issue: z.core.$ZodIssue): string {
  const fix = fixFor(issue);
  return fix ? `; fix: ${fix}` : "";
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `messages.0.role`, or `(the line)` for the object itself. */
function pathOf(issue: z.core.$ZodIssue, key?: string): string {
  const parts = [...issue.path.map(String), ...(key === undefined ? [] : [key])];
  return parts.length > 0 ? parts.join(".") : "(the line)";
}

/** `fault`: where the line stops being UTF-8 (from `ndjsonLines`); such a line is reported, never decoded. */
export function parseLine(text: string, line: number, fault?: Utf8Fault): ParsedLine {
  if (fault)
    return {
      ok: false,
      problems: [
        `line ${line}: ${describeUtf8Fault(fault)} of the line; fix: save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 in.ndjson > out.ndjson)`,
      ],
    };
  if (text.trim() === "") return { ok: "blank" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [
        `line ${line}: not JSON (${reason}); fix: write one conversation per line as a JSON object, without line breaks inside it`,
      ],
    };
  }
  const parsed = IngestConversationInput.safeParse(value);
  if (parsed.success) return { ok: true, input: parsed.data };
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `line ${line}: ${pathOf(issue, key)}: unknown field; fix: ${fixFor(issue)}`)
      : [`line ${line}: ${pathOf(issue)}: ${issue.message}${fixOf(issue)}`],
  );
  return { ok: false, problems };
}
