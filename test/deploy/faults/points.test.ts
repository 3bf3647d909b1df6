import { describe, expect, it } from "vitest";
import { killPoints, spreadOrder } from "./points.js";

describe("kill points", () => {
  it("one per stratum, inside the update, the same for the same seed", () => {
    const points = killPoints(72, 20, 26);
    expect(points).toHaveLength(20);
    expect(points).toEqual(killPoints(72, 20, 26));
    for (const [i, p] of points.entries()) {
      expect(p.afterCreated).toBeGreaterThanOrEqual(1 + Math.floor((i * 71) / 20));
      expect(p.afterCreated).toBeLessThanOrEqual(
        Math.max(1 + Math.floor((i * 71) / 20), Math.floor(((i + 1) * 71) / 20)),
      );
    }
    expect(points.at(-1)!.afterCreated).toBeLessThan(72);
  });

  it("visited first, last, then middles: a run stopped after four points has seen both ends and the middle", () => {
    const order = spreadOrder(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(order).size).toBe(20);
    expect(order.slice(0, 4)).toEqual([0, 19, 9, 4]);
  });
});
