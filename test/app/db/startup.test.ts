import { describe, expect, it } from "vitest";
import { EmbeddingMismatchError } from "../../../app/src/db/migrations.js";
import { isNotYetAvailable, retryDelay, untilAvailable } from "../../../app/src/db/startup.js";
import { AppError } from "../../../app/src/lib/errors.js";

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe("start-up wait for the database", () => {
  it("waits on an unreachable server, a role or password not there yet, a database not created yet", () => {
    expect(
      isNotYetAvailable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(isNotYetAvailable(pgError("57P03"))).toBe(true); // the database system is starting up
    expect(isNotYetAvailable(pgError("28P01"))).toBe(true);
    expect(isNotYetAvailable(pgError("28000"))).toBe(true);
    expect(isNotYetAvailable(pgError("3D000"))).toBe(true);
    const wrapped = new AppError("DB_UNAVAILABLE", undefined, undefined, { cause: pgError("08006") });
    expect(isNotYetAvailable(wrapped)).toBe(true);
  });

  it("does not wait on what no wait can fix", () => {
    expect(isNotYetAvailable(pgError("42601"))).toBe(false);
    expect(isNotYetAvailable(new Error("boom"))).toBe(false);
    expect(
      isNotYetAvailable(
        new EmbeddingMismatchError(
          { provider: "local", model: "a", dimensions: 384 },
          { provider: "openai", model: "b", dimensions: 1536 },
        ),
      ),
    ).toBe(false);
  });

  it("backs off exponentially up to the cap, with jitter inside ±20 %", () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1000 };
    const mid = (n: number) => retryDelay(policy, n, () => 0.5);
    expect([0, 1, 2, 3, 4, 10].map(mid)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryDelay(policy, 2, () => 0)).toBe(320);
    expect(retryDelay(policy, 2, () => 1)).toBe(480);
  });

  it("retries until the attempt succeeds, and rethrows at once what is not a wait", async () => {
    let calls = 0;
    const retries: number[] = [];
    const signal = new AbortController().signal;
    await untilAvailable(
      async () => {
        if (++calls < 3) throw pgError("08001");
      },
      { initialDelayMs: 1, maxDelayMs: 2 },
      { signal, onRetry: (_e, attempt) => retries.push(attempt) },
    );
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
    await expect(
      untilAvailable(
        async () => Promise.reject(pgError("42601")),
        { initialDelayMs: 1, maxDelayMs: 1 },
        { signal, onRetry: () => {} },
      ),
    ).rejects.toThrow("pg 42601");
  });

  it("stops waiting when aborted", async () => {
    const closing = new AbortController();
    const waiting = untilAvailable(
      async () => Promise.reject(pgError("08001")),
      { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      {
        signal: closing.signal,
        onRetry: () => closing.abort(new Error("closing")),
      },
    );
    await expect(waiting).rejects.toThrow("closing");
  });
});
