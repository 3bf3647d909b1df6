/**
 * The import's batches sent to a running server's `POST /v1/conversations/batch` instead of the
 * database: what `npm run import` does when a live server owns the data folder, or with `--url`.
 * A batch counts only once the server answered 200 — it has committed it by then.
 */
import { z } from "zod";
import { BATCH_INGEST_PATH } from "../routes/v1/conversations.js";
import type { IngestConversationInput } from "../schemas/conversation.js";
import { IngestBatchResult } from "../schemas/conversation-batch.js";
import type { BatchResult } from "../services/batch-ingest.js";

/** The server is busy (429) or draining (503): wait as it says, this many times at most. */
const RETRIES = 5;
const MAX_WAIT_SECONDS = 30;

const ErrorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The server did not take a batch (unreachable, or an answer other than 200). */
export class ServerIngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerIngestError";
  }
}

export interface HttpIngestOptions {
  baseUrl: string;
  apiKey?: string;
  /** For tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export function httpIngest(
  options: HttpIngestOptions,
): (inputs: IngestConversationInput[]) => Promise<BatchResult> {
  const url = new URL(BATCH_INGEST_PATH, options.baseUrl).toString();
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return async (inputs) => {
    const body = JSON.stringify({ conversations: inputs });
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await send(url, { method: "POST", headers, body });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new ServerIngestError(
          `the server at ${options.baseUrl} did not answer (${cause?.code ?? cause?.message ?? String(error)}); the batch in flight may or may not be stored`,
        );
      }
      const text = await res.text().catch(() => "");
      if (res.status === 200) {
        const parsed = IngestBatchResult.safeParse(parseJson(text));
        if (parsed.success) return parsed.data;
        throw new ServerIngestError(
          `the server at ${options.baseUrl} answered 200 with a body that is not a batch result`,
        );
      }
      const retryAfter = Number(res.headers.get("retry-after"));
      if ((res.status === 429 || res.status === 503) && attempt < RETRIES && Number.isFinite(retryAfter)) {
        await sleep(Math.min(Math.max(retryAfter, 1), MAX_WAIT_SECONDS) * 1000);
        continue;
      }
      const answer = ErrorAnswer.safeParse(parseJson(text));
      const what = answer.success
        ? `${answer.data.error.code}: ${answer.data.error.message}`
        : text.slice(0, 200);
      const fix =
        res.status === 401
          ? "; give the key with --api-key (or API_KEY)"
          : res.status === 404
            ? `; is ${options.baseUrl} this app?`
            : "";
      throw new ServerIngestError(`the server at ${options.baseUrl} answered ${res.status} (${what})${fix}`);
    }
  };
}
