/**
 * Property tests over every REST route and MCP tool (issue 15, point 1; issue 22's deep, wide and
 * non-UTF-8 bodies), through `inject`: no 5xx, and every 4xx names the field it rejects. Seeded and a few hundred cases here; the long run
 * (`npm run test:reliability`) asks for more than 10 000 with the same properties.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../../app/src/mcp/tools/index.js";
import { useApp } from "../helpers.js";
import {
  mcpRequest,
  mcpViolation,
  probeOf,
  restRequest,
  restViolation,
  TOOL_NAMES_FUZZED,
} from "./requests.js";

// FUZZ_RUNS / FUZZ_SEED: the long run (scripts/reliability/run.ts) asks for 5 000 per property.
const SEED = Number(process.env.FUZZ_SEED ?? 15);
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

describe("fuzz", () => {
  // No rate limit: the fuzz sends far more than 120 requests a minute.
  const t = useApp({ env: { RATE_LIMIT_PER_MINUTE: "0" } });

  it("aims at every MCP tool", () => {
    expect([...TOOL_NAMES_FUZZED].sort()).toEqual([...TOOL_NAMES].sort());
  });

  it("sends every limit probe (deep, wide, not UTF-8, another charset) on both ways in", () => {
    for (const requests of [restRequest, mcpRequest]) {
      const probes = new Set(fc.sample(requests, { seed: SEED, numRuns: RUNS }).map(probeOf));
      expect([...probes].sort()).toEqual(["deep", "not UTF-8", "other charset", "wide", undefined]);
    }
  });

  it(`answers ${RUNS} arbitrary REST requests without a 5xx, naming the field of every 4xx`, async () => {
    await fc.assert(
      fc.asyncProperty(restRequest, async (request) => {
        const res = await t.app.inject(request);
        expect(restViolation(res)).toBeUndefined();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`answers ${RUNS} arbitrary MCP tool calls without an internal error, naming the argument of every tool error`, async () => {
    await fc.assert(
      fc.asyncProperty(mcpRequest, async (request) => {
        const res = await t.app.inject(request);
        expect(mcpViolation(res)).toBeUndefined();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
