import { describe, expect, it } from "vitest";
import { count, describeReceived } from "../../../app/src/schemas/common.js";

/** An object nested `levels` deep: deeper than JSON.stringify's recursion reaches on Node's stack. */
function deep(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe("count", () => {
  const k = count(50, 10);

  it("names the rule and what it got, for a value of any depth, without echoing it", () => {
    const r = k.safeParse(deep(20_000));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe("must be a whole number from 1 to 50, received an object");
  });

  it("keeps the received scalar, cut when long", () => {
    expect(k.safeParse(true).error?.issues[0]?.message).toBe(
      "must be a whole number from 1 to 50, received true",
    );
    expect(describeReceived("x".repeat(100))).toBe(`"${"x".repeat(40)}…"`);
    expect(describeReceived([1, 2])).toBe("an array");
    expect(describeReceived(null)).toBe("null");
  });

  it("accepts a number or a string of digits and defaults", () => {
    expect(k.parse("7")).toBe(7);
    expect(k.parse(undefined)).toBe(10);
  });
});
