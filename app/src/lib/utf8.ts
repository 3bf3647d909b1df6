/**
 * Where bytes stop being UTF-8. Node's decoder replaces a bad sequence with U+FFFD and carries on,
 * which stores `caf\uFFFD` for Latin-1 `café`; callers check with `isUtf8` first and come here only
 * to say where the first bad byte is.
 */
import { isUtf8 } from "node:buffer";

export interface Utf8Fault {
  /** Offset of the first byte of the bad sequence, from 0. */
  offset: number;
  /** That byte as `0xE9`. */
  byte: string;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** The second byte's range for each lead byte (Unicode 15, table 3-7); continuation bytes after it are 80..BF. */
function secondByteRange(lead: number): [length: number, min: number, max: number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f]; // no UTF-16 surrogates
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f]; // nothing above U+10FFFF
  return undefined;
}

/** The first bad sequence in `bytes`, or undefined when they are UTF-8 throughout. */
export function findUtf8Fault(bytes: Uint8Array): Utf8Fault | undefined {
  if (isUtf8(bytes)) return undefined;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const range = secondByteRange(lead);
    const fault = { offset: i, byte: hex(lead) };
    if (!range) return fault;
    const [length, min, max] = range;
    for (let k = 1; k < length; k++) {
      const b = bytes[i + k];
      const [lo, hi] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (b === undefined || b < lo || b > hi) return fault;
    }
    i += length;
  }
  // isUtf8 disagreed with the table: report the end rather than nothing.
  return { offset: bytes.length, byte: "end of input" };
}

/** How messages word it: `invalid UTF-8 at byte offset 3 (0xE9)`. */
export function describeUtf8Fault(fault: Utf8Fault): string {
  return `invalid UTF-8 at byte offset ${fault.offset} (${fault.byte})`;
}
