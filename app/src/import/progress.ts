/**
 * Import progress on stderr: a bar redrawn in place on a terminal, plain lines (at most one every
 * few seconds, and the last) otherwise, so logs and CI output stay readable.
 */
import type { ImportCounts } from "./importer.js";

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const PLAIN_EVERY_MS = 2000;
const BAR = 24;

function summary(c: ImportCounts): string {
  return `${c.lines} lines: ${c.ingested} ingested, ${c.unchanged} unchanged, ${c.failed} failed`;
}

export class Progress {
  private lastPlain = Number.NEGATIVE_INFINITY;
  private lastLine = "";
  private drawn = false;

  private readonly out: ProgressOutput;
  /** Bytes of the input when known (a file), for the percentage. */
  private readonly total?: number;
  private readonly now: () => number;

  constructor(out: ProgressOutput, total?: number, now: () => number = () => performance.now()) {
    this.out = out;
    this.total = total;
    this.now = now;
  }

  update(counts: ImportCounts, bytes: number): void {
    const share = this.total ? Math.min(1, bytes / this.total) : undefined;
    if (this.out.isTTY) {
      const filled = share === undefined ? 0 : Math.round(share * BAR);
      const bar =
        share === undefined ? "" : `[${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${percent(share)} `;
      this.out.write(`\r\x1b[2K${bar}${summary(counts)}`);
      this.drawn = true;
      return;
    }
    const t = this.now();
    const line = `import: ${share === undefined ? "" : `${percent(share)}, `}${summary(counts)}\n`;
    if (t - this.lastPlain < PLAIN_EVERY_MS || line === this.lastLine) return;
    this.lastPlain = t;
    this.lastLine = line;
    this.out.write(line);
  }

  /** A problem line; on a terminal the bar is cleared first and redrawn by the next update. */
  problem(message: string): void {
    if (this.drawn) this.out.write("\r\x1b[2K");
    this.drawn = false;
    this.out.write(`${message}\n`);
  }

  /** The final state, always printed. */
  done(counts: ImportCounts, bytes: number): void {
    this.lastPlain = Number.NEGATIVE_INFINITY;
    this.update(counts, bytes);
    if (this.out.isTTY) this.out.write("\n");
  }
}

function percent(share: number): string {
  return `${Math.floor(share * 100)}%`;
}
