import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../../app/src/db/migrations.js";
import type { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { reembed } from "../../../app/src/db/reembed.js";
import { LocalEmbedder } from "../../../app/src/embeddings/local-embedder.js";
import { CORPUS } from "../corpus.js";
import { openTestPglite, startApp } from "../helpers.js";

describe("reembed", () => {
  let db: PgliteDatabase | undefined;
  afterEach(async () => db?.close());

  it("moves stored chunks to a new dimension so the app starts and searches with the new embedder", async () => {
    db = await openTestPglite();
    const databases = { primary: db, replica: db };
    const before = await startApp(databases);
    for (const c of CORPUS) await before.inject({ method: "POST", url: "/v1/conversations", payload: c });
    await before.close();

    const next = new LocalEmbedder(64, "local-hash-v1");
    const result = await reembed(db, next);
    expect(result).toMatchObject({
      chunks: CORPUS.length,
      from: { dimensions: 128 },
      to: { dimensions: 64 },
    });
    // The spec now matches the new embedder: migrate accepts it, and search ranks as before.
    await expect(migrate(db, { provider: "local", model: "local-hash-v1", dimensions: 64 })).resolves.toEqual(
      [],
    );
    const after = await startApp(databases, { embedder: next, env: { EMBEDDING_DIMENSIONS: "64" } });
    const res = await after.inject({
      method: "POST",
      url: "/v1/search",
      payload: { query: "guanciale pecorino", mode: "semantic" },
    });
    expect(res.json().results[0].conversation_id).toBe("pasta");
    await after.close();
  });
});
