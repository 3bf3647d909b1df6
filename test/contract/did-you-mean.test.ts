/** Near misses get a suggestion, far ones none: the threshold keeps short names from guessing wildly. */
import { describe, expect, it } from "vitest";
import { closestName, didYouMean, editDistance } from "../../contract/src/did-you-mean.js";

describe("did you mean", () => {
  it("counts insertions, deletions, substitutions and swapped neighbours as one edit each", () => {
    expect(editDistance("kubernete", "kubernetes")).toBe(1);
    expect(editDistance("kuberentes", "kubernetes")).toBe(1);
    expect(editDistance("maxSise", "maxSize")).toBe(1);
    expect(editDistance("CACHE_MAXSIZE", "CACHE_MAX_SIZE")).toBe(1);
    expect(editDistance("Redis", "redis")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests the closest name within reach, and nothing for a short or far one", () => {
    const keys = ["kubernetes", "cache", "redis", "jaeger", "kubeContext"];
    expect(closestName("kubernete", keys)).toBe("kubernetes");
    expect(closestName("cahce", keys)).toBe("cache");
    expect(closestName("db", keys)).toBeUndefined();
    expect(closestName("postgres", keys)).toBeUndefined();
    expect(didYouMean("kubernete", keys)).toBe('; did you mean "kubernetes"?');
    expect(didYouMean("zzz", keys)).toBe("");
  });
});
