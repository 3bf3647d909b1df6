/**
 * Kubernetes resource quantities, parsed so that rules (requests ≤ limits) and derived values
 * (shared_buffers = 25% of the Postgres container's memory) can do arithmetic on them.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

const MEMORY_RE = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const CPU_RE = /^(\d+(?:\.\d+)?)(m)?$/;

/** True when `q` is a Kubernetes memory quantity this project accepts ("512Mi", "2Gi", "1G"). */
export function isMemoryQuantity(q: string): boolean {
  return MEMORY_RE.test(q);
}

/** True when `q` is a Kubernetes CPU quantity ("500m", "2", "0.5"). */
export function isCpuQuantity(q: string): boolean {
  return CPU_RE.test(q);
}

/** Bytes in a memory quantity. Throws on anything `isMemoryQuantity` rejects. */
export function memoryBytes(q: string): number {
  const m = MEMORY_RE.exec(q);
  if (!m) throw new Error(`not a memory quantity: "${q}" (use e.g. 512Mi, 2Gi)`);
  const unit = m[2];
  const factor = unit === undefined ? 1 : (BINARY[unit] ?? DECIMAL[unit] ?? 1);
  return Math.round(Number(m[1]) * factor);
}

/** Millicores in a CPU quantity. Throws on anything `isCpuQuantity` rejects. */
export function cpuMillicores(q: string): number {
  const m = CPU_RE.exec(q);
  if (!m) throw new Error(`not a CPU quantity: "${q}" (use e.g. 500m, 2)`);
  return m[2] === "m" ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

/**
 * A byte count in postgresql.conf / Redis notation, choosing the largest exact unit
 * ("4GB", "512MB", "16MB", "8kB"). Postgres reads MB/GB as binary multiples.
 */
export function postgresSize(bytes: number): string {
  const units: [string, number][] = [
    ["TB", 2 ** 40],
    ["GB", 2 ** 30],
    ["MB", 2 ** 20],
    ["kB", 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  // Postgres memory settings are in kB at the finest; round down rather than over-commit.
  return `${Math.max(1, Math.floor(bytes / 1024))}kB`;
}
