/**
 * "Did you mean …?" for a misspelt name (a config key, a model field, an environment variable),
 * shared by the stacks and the app so both suggest alike.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows of the optimal-string-alignment table: the swap looks two rows back.
  let before: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, (before[j - 2] as number) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[t.length] as number;
}

/**
 * The candidate closest to `name` when it is near enough to be a slip: at most 2 edits and at most
 * a third of the name's length (so `db` does not suggest `jaeger`). Undefined otherwise.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const allowed = Math.min(2, Math.max(1, Math.floor(name.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance <= allowed && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** `; did you mean "kubernetes"?`, or nothing when no candidate is near. */
export function didYouMean(name: string, candidates: Iterable<string>, quote = '"'): string {
  const near = closestName(name, candidates);
  return near === undefined ? "" : `; did you mean ${quote}${near}${quote}?`;
}
