/** The lines of an NDJSON stream, read as they arrive (never the whole file at once). */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

export interface Line {
  /** From 1, as editors count. */
  number: number;
  text: string;
  /** Bytes of the stream consumed up to and including this line (for the progress bar). */
  bytes: number;
}

export async function* ndjsonLines(input: Readable): AsyncGenerator<Line> {
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  let bytes = 0;
  for await (const text of reader) {
    number++;
    bytes += Buffer.byteLength(text) + 1;
    yield { number, text, bytes };
  }
}
