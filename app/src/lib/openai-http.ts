/** POST to an OpenAI-compatible API with retries and exponential backoff on 429 and 5xx. */
import { AppError } from "./errors.js";

export interface OpenAiClientOptions {
  apiKey: string;
  /** e.g. `https://api.openai.com/v1`, no trailing slash. */
  baseUrl: string;
  /** Attempts after the first. @default 4 */
  retries?: number;
  /** First backoff; doubles each attempt, with jitter. @default 250 */
  baseDelayMs?: number;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs?: number;
  /** Injected in tests. @default global fetch */
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Sends `body` to `${baseUrl}${path}` and returns the parsed JSON; throws UPSTREAM_FAILED when out of
 * retries. `signal` (the request's deadline) cancels the fetch in flight and any further retry: the
 * call then rejects with the signal's reason.
 */
export async function postJson(
  options: OpenAiClientOptions,
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  const retries = options.retries ?? 4;
  const baseDelay = options.baseDelayMs ?? 250;
  const doFetch = options.fetch ?? fetch;
  let lastProblem = "no attempt made";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) {
      await sleep(baseDelay * 2 ** (attempt - 1) * (1 + Math.random() * 0.25));
    }
    if (signal?.aborted) throw signal.reason;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await doFetch(`${options.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      lastProblem = error instanceof Error ? error.message : String(error);
      continue;
    }
    if (response.ok) return response.json();
    const text = await response.text().catch(() => "");
    lastProblem = `HTTP ${response.status}: ${text.slice(0, 200)}`;
    if (!retryable(response.status)) break;
    const retryAfter = Number(response.headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) await sleep(Math.min(retryAfter, 30) * 1000);
  }
  throw new AppError("UPSTREAM_FAILED", `The model provider failed at ${path}: ${lastProblem}`);
}
