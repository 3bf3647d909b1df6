/**
 * The import loop: it reads as it goes (a batch is stored before the input ends), counts each
 * outcome, and with `deferIndex` the vector index is gone only while it writes and always back after.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { hasVectorIndex } from "../../../app/src/db/vector-index.js";
import { type ImportEvent, importNdjson } from "../../../app/src/import/importer.js";
import { ndjsonLines } from "../../../app/src/import/ndjson-lines.js";
import { runImport } from "../../../app/src/import/run-import.js";
import { CORPUS } from "../corpus.js";
import { useApp } from "../helpers.js";

const ctx = { tenantId: "default" };
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

describe("importNdjson", () => {
  const t = useApp();

  it("stores each batch as soon as it is read, before the input has ended", async () => {
    const input = new PassThrough();
    let firstBatch: () => void = () => {};
    const stored = new Promise<void>((resolve) => {
      firstBatch = resolve;
    });
    const events: ImportEvent[] = [];
    const running = importNdjson(ndjsonLines(input), {
      batchSize: 2,
      ingest: (inputs) => t.app.services.conversations.ingestMany(inputs, ctx),
      onEvent: (event) => {
        events.push(event);
        if (event.kind === "progress") firstBatch();
      },
    });
    input.write(line(CORPUS[0]) + line(CORPUS[1]));
    // Were the whole input read first, this would wait forever: the rest is only written after.
    await stored;
    expect((await t.app.inject({ url: "/v1/conversations/pasta" })).statusCode).toBe(200);
    input.write(`${line(CORPUS[2])}\n{"messages":[]}\n${line(CORPUS[0])}`);
    input.end();
    expect(await running).toEqual({ lines: 5, ingested: 3, unchanged: 1, failed: 1, stopped: false });
    expect(events.filter((e) => e.kind === "problem").map((e) => (e as { message: string }).message)).toEqual(
      [expect.stringMatching(/^line 5: messages: .*; fix: give at least 1/)],
    );
  });

  it("stops after the batch in flight when told to", async () => {
    const input = new PassThrough();
    input.end(CORPUS.map(line).join(""));
    const counts = await importNdjson(ndjsonLines(input), {
      batchSize: 2,
      ingest: (inputs) => t.app.services.conversations.ingestMany(inputs, ctx),
      stopped: () => true,
    });
    expect(counts).toMatchObject({ lines: 2, ingested: 2, stopped: true });
  });
});

describe("runImport with deferIndex", () => {
  const t = useApp();
  const run = (text: string, batchSize = 2) => {
    const checks: Promise<boolean>[] = [];
    const input = new PassThrough();
    input.end(text);
    const done = runImport({
      app: t.app,
      input,
      tenantId: "default",
      batchSize,
      deferIndex: true,
      // Queued behind the import's own statements: what the index looks like between batches.
      onEvent: (e) => {
        if (e.kind === "progress") checks.push(hasVectorIndex(t.app.databases.primary));
      },
    });
    return { done, checks };
  };

  it("drops the index while it writes and rebuilds it at the end; a re-run that writes nothing keeps it", async () => {
    const first = run(CORPUS.map(line).join(""));
    expect((await first.done).ingested).toBe(CORPUS.length);
    expect((await Promise.all(first.checks)).slice(0, -1)).toContain(false);
    expect(await hasVectorIndex(t.app.databases.primary)).toBe(true);
    const search = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      payload: { query: "carbonara guanciale pecorino", mode: "semantic" },
    });
    expect(search.json().results[0].conversation_id).toBe("pasta");

    const again = run(CORPUS.map(line).join(""));
    expect((await again.done).unchanged).toBe(CORPUS.length);
    expect(await Promise.all(again.checks)).not.toContain(false);
  });

  it("rebuilds the index when the input fails half way", async () => {
    const input = new PassThrough();
    const done = runImport({ app: t.app, input, tenantId: "default", batchSize: 1, deferIndex: true });
    input.write(line(CORPUS[0]) + line(CORPUS[1]));
    setTimeout(() => input.destroy(new Error("disk read error")), 200);
    await expect(done).rejects.toThrow("disk read error");
    expect(await hasVectorIndex(t.app.databases.primary)).toBe(true);
  });
});
