/** Shared test plumbing for the cache suites: a controllable clock, captured logs, counted hooks. */
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import type { CacheHooks, CacheOp, CacheType, Clock } from "../../../app/src/cache/index.js";
import { loadConfig } from "../../../app/src/config.js";

/** Starts well above 0: lru-cache treats a start time of 0 as "no TTL". */
export class TestClock implements Clock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface CapturedLogger {
  logger: Logger;
  lines: { level: number; msg: string; suppressed?: number; [k: string]: unknown }[];
  warnings(): CapturedLogger["lines"];
}

/** A real pino logger writing into memory. */
export function captureLogs(): CapturedLogger {
  const lines: CapturedLogger["lines"] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: "info" }, stream);
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 40) };
}

export interface CountingHooks extends Required<CacheHooks> {
  hits: Record<CacheType, number>;
  misses: Record<CacheType, number>;
  evictions: Record<CacheType, number>;
  errors: { type: CacheType; op: CacheOp }[];
}

export function countingHooks(): CountingHooks {
  const zero = (): Record<CacheType, number> => ({ embedding: 0, search: 0, rag: 0 });
  const h: CountingHooks = {
    hits: zero(),
    misses: zero(),
    evictions: zero(),
    errors: [],
    onHit: (t) => {
      h.hits[t] += 1;
    },
    onMiss: (t) => {
      h.misses[t] += 1;
    },
    onEviction: (t) => {
      h.evictions[t] += 1;
    },
    onError: (type, op) => {
      h.errors.push({ type, op });
    },
  };
  return h;
}

/** The cache section of the app config, from environment variables as a deployment sets them. */
export function cacheConfig(env: Record<string, string>) {
  return loadConfig(env).cache;
}
