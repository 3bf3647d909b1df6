/** The first bad UTF-8 byte is found where Node's own validator says the bytes stop being UTF-8. */
import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findUtf8Fault } from "../../../app/src/lib/utf8.js";

describe("findUtf8Fault", () => {
  it("finds nothing in UTF-8, and the lead byte of the first bad sequence otherwise", () => {
    expect(findUtf8Fault(Buffer.from("café 🙂 ok"))).toBeUndefined();
    expect(findUtf8Fault(Buffer.from("caf\xe9", "latin1"))).toEqual({ offset: 3, byte: "0xE9" });
    expect(findUtf8Fault(Buffer.from([0x61, 0xf0, 0x9f, 0x99]))).toEqual({ offset: 1, byte: "0xF0" });
  });

  it("agrees with node:buffer isUtf8 on arbitrary bytes: the prefix is UTF-8, the sequence at the offset is not", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const fault = findUtf8Fault(bytes);
        expect(fault === undefined).toBe(isUtf8(bytes));
        if (fault) {
          expect(isUtf8(bytes.subarray(0, fault.offset))).toBe(true);
          expect(isUtf8(bytes.subarray(0, fault.offset + 4))).toBe(false);
        }
      }),
      { seed: 22, numRuns: 5000 },
    );
  });
});
