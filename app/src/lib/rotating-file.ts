/**
 * A log file that never outgrows its volume: when the next line would take the file past
 * `maxBytes`, it is renamed to `<file>.1` (replacing the previous one) and a new file begins. At most
 * two files exist, so the logs hold at most 2 × maxBytes on disk. Writes are synchronous, as the
 * logger's other file destination was: nothing is lost when the process exits right after a line.
 */
import { closeSync, fstatSync, openSync, renameSync, writeSync } from "node:fs";

export interface RotatingFile {
  write(line: string): void;
  /** Flush is a no-op (writes are synchronous); pino calls it on exit. */
  flushSync(): void;
  end(): void;
}

export function rotatingFile(file: string, maxBytes: number): RotatingFile {
  if (!Number.isInteger(maxBytes) || maxBytes < 1)
    throw new Error(`maxBytes must be a positive integer (got ${maxBytes})`);
  let fd = openSync(file, "a");
  let size = fstatSync(fd).size;
  const rotate = () => {
    closeSync(fd);
    renameSync(file, `${file}.1`);
    fd = openSync(file, "a");
    size = 0;
  };
  return {
    write(line: string) {
      const bytes = Buffer.from(line, "utf8");
      // A line longer than the limit alone is cut: the bound on disk holds whatever is logged.
      const data = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
      if (size > 0 && size + data.length > maxBytes) rotate();
      writeSync(fd, data);
      size += data.length;
    },
    flushSync() {},
    end() {
      closeSync(fd);
    },
  };
}
