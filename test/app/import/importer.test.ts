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

  it("reports a line that is not UTF-8 with its number and stores the others unmangled", async () => {
    const input = new PassThrough();
    const events: ImportEvent[] = [];
    const running = importNdjson(ndjsonLines(input), {
      batchSize: 10,
      ingest: (inputs) => t.app.services.conversations.ingestMany(inputs, ctx),
      onEvent: (event) => events.push(event),
    });
    const conversation = (id: string) =>
      `{"id":"${id}","title":"café crème","messages":[{"role":"user","content":"crème brûlée"}]}\r\n`;
    // A UTF-8 line split mid-character across chunks, a Latin-1 line, then UTF-8 again.
    const utf8 = Buffer.from(conversation("utf8-a"));
    const cut = utf8.indexOf(0xc3) + 1;
    input.write(utf8.subarray(0, cut));
    input.write(utf8.subarray(cut));
    input.write(Buffer.from(conversation("latin1"), "latin1"));
    input.end(Buffer.from(conversation("utf8-b")));
    expect(await running).toEqual({ lines: 3, ingested: 2, unchanged: 0, failed: 1, stopped: false });
    // `{"id":"latin1","title":"caf` is 27 bytes: `é` is the 28th.
    expect(events.filter((e) => e.kind === "problem").map((e) => (e as { message: string }).message)).toEqual(
      [
        expect.stringMatching(
          /^line 2: invalid UTF-8 at byte offset 27 \(0xE9\) of the line; fix: save the file as UTF-8/,
        ),
      ],
    );
    for (const id of ["utf8-a", "utf8-b"]) {
      const stored = (await t.app.inject({ url: `/v1/conversations/${id}` })).json();
      expect(stored.title).toBe("café crème");
      expect(stored.messages[0].content).toBe("crème brûlée");
    }
    expect((await t.app.inject({ url: "/v1/conversations/latin1" })).statusCode).toBe(404);
    const last = events.filter((e) => e.kind === "progress").at(-1) as { bytes: number };
    expect(last.bytes).toBe(utf8.length + Buffer.from(conversation("latin1"), "latin1").length + utf8.length);
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
