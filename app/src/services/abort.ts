/** Stops waiting for work once the request's deadline has passed. */
import { AppError } from "../lib/errors.js";

/** The abort reason as an error: ours is an AppError TIMEOUT; anything else becomes one. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof AppError) return reason;
  return new AppError("TIMEOUT", undefined, undefined, { cause: reason });
}

/**
 * Runs `work` and settles with it, or rejects with the abort reason as soon as `signal` aborts
 * (the work itself is told through the same signal and stops at its next check).
 */
export async function untilAborted<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  if (!signal) return work();
  if (signal.aborted) throw abortError(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const running = work();
  // The loser of the race must not surface as an unhandled rejection.
  running.catch(() => {});
  try {
    return await Promise.race([running, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/** Throws the abort reason when the deadline has passed (checked between steps). */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
