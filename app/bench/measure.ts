/** Latency helpers shared by the bench sections. */

export interface Latency {
  p50: number;
  p95: number;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

export function latency(xs: readonly number[]): Latency {
  return { p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)) };
}

/** Milliseconds `fn` took. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Three decimals: enough for sub-millisecond figures, short enough for a diffable JSON file. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;
