import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { CORPUS } from "../corpus.js";
import { openTestPglite, startApp } from "../helpers.js";

describe("DATABASE_REPLICA_URL routing", () => {
  let primary: PgliteDatabase;
  let replica: PgliteDatabase;
  beforeAll(async () => {
    [primary, replica] = await Promise.all([openTestPglite(), openTestPglite()]);
  });
  afterAll(async () => {
    await primary.close();
    await replica.close();
  });

  it("writes and reads-after-write go to the primary, search and answers to the replica", async () => {
    // Two separate databases stand in for a primary and a replica that has not caught up yet.
    const app = await startApp({ primary, replica });
    try {
      expect(
        (await app.inject({ method: "POST", url: "/v1/conversations", payload: CORPUS[1] })).statusCode,
      ).toBe(201);
      expect((await app.inject({ url: "/v1/conversations/pasta" })).statusCode).toBe(200);
      const search = await app.inject({ method: "POST", url: "/v1/search", payload: { query: "carbonara" } });
      expect(search.json().results).toEqual([]);
      const answer = await app.inject({
        method: "POST",
        url: "/v1/answer",
        payload: { question: "carbonara?" },
      });
      expect(answer.json().citations).toEqual([]);
      const onReplica = await replica.query<{ n: number }>("SELECT count(*)::int AS n FROM conversations");
      expect(onReplica[0]!.n).toBe(0);
    } finally {
      await app.close();
    }
  });
});
