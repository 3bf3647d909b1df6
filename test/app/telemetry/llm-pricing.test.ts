/** llm_cost_usd_total's price table: OpenAI list prices per million tokens, dated snapshots by family. */
import { describe, expect, it } from "vitest";
import { estimateCostUsd, priceOf } from "../../../app/src/telemetry/llm-pricing.js";

/** Transcribed from OpenAI's pricing page (USD per 1M tokens: input, output). */
const LIST_PRICES: [model: string, prompt: number, completion: number][] = [
  ["gpt-4o-mini", 0.15, 0.6],
  ["gpt-4o-mini-2024-07-18", 0.15, 0.6],
  ["gpt-4o", 2.5, 10],
  ["gpt-4o-2024-08-06", 2.5, 10],
  ["text-embedding-3-small", 0.02, 0],
  ["text-embedding-3-large", 0.13, 0],
];

describe("LLM cost estimate", () => {
  it.each(LIST_PRICES)("prices %s at %f / %f per million tokens", (model, prompt, completion) => {
    expect(priceOf(model)).toEqual({ prompt, completion });
    expect(estimateCostUsd(model, 2_000_000, 1_000_000)).toBeCloseTo(2 * prompt + completion, 10);
  });

  it("costs the offline providers and unknown models nothing", () => {
    expect(estimateCostUsd("extractive", 5000, 500)).toBe(0);
    expect(estimateCostUsd("local-hash-v1", 5000, 0)).toBe(0);
    expect(priceOf("some-unlisted-model")).toBeUndefined();
    expect(estimateCostUsd("some-unlisted-model", 5000, 500)).toBe(0);
  });
});
