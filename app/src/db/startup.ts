/**
 * Waiting for a database that is not there yet. On a first deploy the app's pods can start before
 * the database accepts connections (CloudNativePG initialising, a Pooler without a primary, the role
 * not yet reconciled). Exiting then only buys kubelet's crash-loop back-off (up to 5 minutes between
 * restarts), so the app listens anyway, answers `/health/live`, keeps `/health/ready` at 503 (it
 * checks the migrations itself) and retries the migrations with capped exponential back-off until
 * they succeed. Errors that no wait can fix (an embedding spec that contradicts the database's) still
 * stop the process.
 */
import { isUnavailable } from "./database.js";

/** Capped exponential back-off: initial, ×2 per failure, at most max, each with ±20 % jitter. */
export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Start-up retry of the migrations: first retry after 0.5 s, then at most every 15 s. */
export const STARTUP_RETRY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 15_000 };

/**
 * SQLSTATEs a wait can fix besides unreachability: the role or its password not there yet
 * (28000 invalid_authorization_specification, 28P01 invalid_password: the operator reconciles the
 * role after the Cluster comes up, or a rotation is half-way) and the database not created yet
 * (3D000 invalid_catalog_name).
 */
const NOT_YET_CODES = new Set(["28000", "28P01", "3D000"]);

/** True when the database may still come: unreachable, or reachable without our role/database yet. */
export function isNotYetAvailable(error: unknown): boolean {
  if (isUnavailable(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NOT_YET_CODES.has(code)) return true;
  // The database layer wraps driver errors (mapDbError's DB_UNAVAILABLE): judge the driver's.
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isNotYetAvailable(cause);
}

/** The delay before retry number `attempt` (0-based). */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface RetryHooks {
  /** A failed attempt that will be retried after `delayMs`. */
  onRetry(error: unknown, attempt: number, delayMs: number): void;
  /** Aborted: stop waiting (the app is closing). */
  readonly signal: AbortSignal;
}

/**
 * Run `attempt` until it resolves, retrying while its error is {@link isNotYetAvailable}. Rejects with
 * any other error, and with the signal's reason once aborted.
 */
export async function untilAvailable(
  attempt: () => Promise<void>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<void> {
  for (let n = 0; ; n++) {
    hooks.signal.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      if (!isNotYetAvailable(error)) throw error;
      const delayMs = retryDelay(policy, n);
      hooks.onRetry(error, n + 1, delayMs);
      await sleep(delayMs, hooks.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
