/** One warning per burst of cache failures, so an outage can't flood the logs at request rate. */
import type { Logger } from "pino";
import type { Clock } from "./types.js";

/** How often a continuing outage is logged again. */
export const BURST_WINDOW_MS = 30_000;

export class BurstLogger {
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  private readonly logger: Pick<Logger, "warn">;
  private readonly clock: Clock;
  private readonly windowMs: number;
  constructor(logger: Pick<Logger, "warn">, clock: Clock, windowMs: number = BURST_WINDOW_MS) {
    this.logger = logger;
    this.clock = clock;
    this.windowMs = windowMs;
  }

  /** Logs the first failure, then at most one line per window carrying how many were not logged. */
  failure(fields: Record<string, unknown>, err: unknown): void {
    const now = this.clock.now();
    if (now - this.lastLogAt < this.windowMs) {
      this.suppressed += 1;
      return;
    }
    this.logger.warn(
      { ...fields, err, suppressed: this.suppressed },
      "cache unavailable; serving from the database",
    );
    this.lastLogAt = now;
    this.suppressed = 0;
  }
}
