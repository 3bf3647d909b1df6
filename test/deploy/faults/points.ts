/**
 * Where the kill lands: `count` points spread over an update of `creates` resource creations, one
 * drawn at random in each of `count` equal strata (so they cover the update from start to end), each
 * with a random delay of up to 1.5 s after that creation was reported. The seed is printed with every
 * figure so a run can be repeated: FAULTS_SEED=<seed>.
 */
export interface KillPoint {
  readonly afterCreated: number;
  readonly jitterMs: number;
}

/** mulberry32: a small seeded generator, enough to pick points. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function faultSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FAULTS_SEED;
  if (raw === undefined || raw === "") return Math.floor(Math.random() * 2 ** 31);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`FAULTS_SEED takes a whole number, not '${raw}'`);
  return n;
}

export function killPoints(creates: number, count: number, seed: number): KillPoint[] {
  if (creates < 2) throw new Error(`an update of ${creates} creations has no point to interrupt`);
  const random = seeded(seed);
  // Points 1 .. creates-1: after the last creation there is nothing left to interrupt.
  const span = creates - 1;
  return Array.from({ length: count }, (_, i) => {
    const low = 1 + Math.floor((i * span) / count);
    const high = Math.max(low, Math.floor(((i + 1) * span) / count));
    return {
      afterCreated: low + Math.floor(random() * (high - low + 1)),
      jitterMs: Math.floor(random() * 1500),
    };
  });
}

/**
 * The order the long run visits the points in: first, last, middle, then the middles of what is left,
 * so a run its time budget stops early has still covered the update from start to end.
 */
export function spreadOrder<T>(items: readonly T[]): T[] {
  const order: number[] = [];
  const queue: [number, number][] = [[0, items.length - 1]];
  if (items.length > 1) order.push(0, items.length - 1);
  else if (items.length === 1) order.push(0);
  while (queue.length) {
    const [low, high] = queue.shift()!;
    if (high - low < 2) continue;
    const mid = Math.floor((low + high) / 2);
    order.push(mid);
    queue.push([low, mid], [mid, high]);
  }
  return order.map((i) => items[i]!);
}
