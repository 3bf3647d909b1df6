/**
 * The lines of an NDJSON stream, read as they arrive (never the whole file at once). Lines are split
 * as bytes and checked for UTF-8 before decoding: a decoder would turn Latin-1 `é` into U+FFFD and
 * the conversation would be stored mangled, where the line should be reported instead.
 */
import type { Readable } from "node:stream";
import { findUtf8Fault, type Utf8Fault } from "../lib/utf8.js";

export interface Line {
  /** From 1, as editors count. */
  number: number;
  text: string;
  /** Bytes of the stream consumed up to and including this line (for the progress bar). */
  bytes: number;
  /** The line's first bytes that are not UTF-8 (offset within the line); `text` is then not to be used. */
  fault?: Utf8Fault;
}

const LF = 0x0a;
const CR = 0x0d;

export async function* ndjsonLines(input: Readable): AsyncGenerator<Line> {
  let number = 0;
  let bytes = 0;
  let pending: Buffer[] = [];
  const line = (parts: Buffer[], consumed: number): Line => {
    let raw = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    // CRLF files: the CR belongs to the line break, not to the JSON.
    if (raw.at(-1) === CR) raw = raw.subarray(0, -1);
    number++;
    bytes += consumed;
    const fault = findUtf8Fault(raw);
    return { number, text: fault ? "" : raw.toString("utf8"), bytes, ...(fault ? { fault } : {}) };
  };
  for await (const chunk of input) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    let start = 0;
    for (let lf = buf.indexOf(LF); lf !== -1; lf = buf.indexOf(LF, start)) {
      const head = buf.subarray(start, lf);
      const consumed = pending.reduce((n, p) => n + p.length, 0) + head.length + 1;
      yield line([...pending, head], consumed);
      pending = [];
      start = lf + 1;
    }
    if (start < buf.length) pending.push(buf.subarray(start));
  }
  if (pending.length > 0) {
    const consumed = pending.reduce((n, p) => n + p.length, 0);
    if (consumed > 0) yield line(pending, consumed);
  }
}
