/**
 * `npm run bench:ingest [-- --conversations 2000 --prefill 10000 --out ../docs/benchmarks/bulk-ingest.json]`
 *
 * Loads the same synthetic conversations (20 messages each) into embedded PGlite four ways, side by
 * side in one run, on an empty chunk table and on one pre-filled to `--prefill` chunks:
 *   - one `POST /v1/conversations` per conversation over HTTP (the baseline),
 *   - `POST /v1/conversations/batch` with 100 conversations per request,
 *   - the NDJSON import in process (the batch ingest, index maintained row by row),
 *   - the NDJSON import with `--defer-index` (HNSW dropped, rebuilt once at the end, rebuild timed).
 * Each way starts from the same database (a dump loaded fresh), and all four must end with the same
 * number of messages and chunks. Writes the figures as JSON; ratios are against the baseline.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.js";
import { migrate } from "../src/db/migrations.js";
import { PgliteDatabase } from "../src/db/pglite-database.js";
import { dropVectorIndex, ensureVectorIndex } from "../src/db/vector-index.js";
import { LocalEmbedder } from "../src/embeddings/local-embedder.js";
import { runImport } from "../src/import/run-import.js";
import type { IngestConversationInput } from "../src/schemas/conversation.js";
import { MAX_BATCH_CONVERSATIONS } from "../src/schemas/conversation-batch.js";
import { buildApp } from "../src/server.js";
import { DEFAULT_TENANT } from "../src/services/context.js";
import { corpus } from "./corpus.js";

const { values } = parseArgs({
  options: {
    conversations: { type: "string", default: "2000" },
    messages: { type: "string", default: "20" },
    prefill: { type: "string", default: "10000" },
    out: {
      type: "string",
      default: path.resolve(import.meta.dirname, "../../docs/benchmarks/bulk-ingest.json"),
    },
  },
});
const conversationCount = Number(values.conversations);
const perConversation = Number(values.messages);
const prefillChunks = Number(values.prefill);

const embedder = new LocalEmbedder(384);
const config = loadConfig({
  EMBEDDING_DIMENSIONS: "384",
  CACHE_ENABLED: "false",
  RATE_LIMIT_PER_MINUTE: "0",
});
const ctx = { tenantId: DEFAULT_TENANT };

function conversations(prefix: string, count: number, seed: number): IngestConversationInput[] {
  const text = corpus(seed);
  return Array.from({ length: count }, (_, i) => {
    const topic = i % text.topics;
    return {
      id: `${prefix}-${i}`,
      user_id: `user-${i % 50}`,
      messages: Array.from({ length: perConversation }, (_, m) => ({
        role: m % 2 === 0 ? ("user" as const) : ("assistant" as const),
        content: `${text.sentence(topic, 25)}.`,
      })),
    };
  });
}

/** A migrated database holding `chunks` chunks of other conversations, as a dump to start each way from. */
async function template(chunks: number): Promise<Blob> {
  const db = await PgliteDatabase.open();
  await migrate(db, { provider: embedder.provider, model: embedder.model, dimensions: embedder.dimensions });
  if (chunks > 0) {
    const app = await buildApp({ config, databases: { primary: db, replica: db }, embedder });
    await dropVectorIndex(db);
    const fill = conversations("fill", Math.ceil(chunks / 4), 7);
    let stored = 0;
    for (let i = 0; stored < chunks && i < fill.length; i += MAX_BATCH_CONVERSATIONS) {
      await app.services.conversations.ingestMany(fill.slice(i, i + MAX_BATCH_CONVERSATIONS), ctx);
      [{ n: stored } = { n: 0 }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM chunks");
    }
    await ensureVectorIndex(db);
    await app.close();
  }
  const dump = await db.pglite.dumpDataDir("none");
  await db.close();
  return dump;
}

interface Totals {
  messages: number;
  chunks: number;
}

type Way = (app: Awaited<ReturnType<typeof buildApp>>, address: string, file: string) => Promise<void>;

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { counts?: { failed: number } };
  if (!res.ok || (answer.counts?.failed ?? 0) > 0) {
    throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  }
};

const importWay =
  (deferIndex: boolean): Way =>
  async (app, _address, file) => {
    const counts = await runImport({
      app,
      input: createReadStream(file),
      tenantId: DEFAULT_TENANT,
      batchSize: MAX_BATCH_CONVERSATIONS,
      deferIndex,
    });
    if (counts.failed > 0 || counts.ingested !== conversationCount)
      throw new Error(`import: ${JSON.stringify(counts)}`);
  };

const WAYS: [string, Way][] = [
  [
    "one POST /v1/conversations per conversation",
    async (_app, address, _file) => {
      for (const c of load) await post(`${address}/v1/conversations`, c);
    },
  ],
  [
    `POST /v1/conversations/batch (${MAX_BATCH_CONVERSATIONS} per request)`,
    async (_app, address) => {
      for (let i = 0; i < load.length; i += MAX_BATCH_CONVERSATIONS) {
        await post(`${address}/v1/conversations/batch`, {
          conversations: load.slice(i, i + MAX_BATCH_CONVERSATIONS),
        });
      }
    },
  ],
  ["npm run import (index maintained)", importWay(false)],
  ["npm run import --defer-index (rebuild included)", importWay(true)],
];

const load = conversations("load", conversationCount, 42);

async function measure(dump: Blob, file: string, way: Way): Promise<{ seconds: number; totals: Totals }> {
  const db = await PgliteDatabase.open(undefined, { loadDataDir: dump });
  const app = await buildApp({ config, databases: { primary: db, replica: db }, embedder });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const started = performance.now();
  await way(app, address, file);
  const seconds = (performance.now() - started) / 1000;
  const [totals] = await db.query<Totals>(
    "SELECT (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM chunks) AS chunks",
  );
  await app.close();
  await db.close();
  return { seconds, totals: totals! };
}

async function main() {
  const machine = `${os.cpus().length} cpu (${os.cpus()[0]?.model.trim()}), node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`;
  console.log(`machine: ${machine}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-ingest-"));
  const file = path.join(dir, "load.ndjson");
  await writeFile(file, `${load.map((c) => JSON.stringify(c)).join("\n")}\n`);
  const results: {
    table: string;
    way: string;
    seconds: number;
    conversationsPerSecond: number;
    messagesPerSecond: number;
    speedup: number;
    chunksAfter: number;
  }[] = [];
  try {
    for (const chunks of [0, prefillChunks]) {
      const dump = await template(chunks);
      const table = chunks === 0 ? "empty" : `${chunks} chunks pre-filled`;
      let baseline: number | undefined;
      let expected: Totals | undefined;
      for (const [name, way] of WAYS) {
        const { seconds, totals } = await measure(dump, file, way);
        expected ??= totals;
        if (totals.messages !== expected.messages || totals.chunks !== expected.chunks) {
          throw new Error(
            `${name} stored ${JSON.stringify(totals)}, the baseline ${JSON.stringify(expected)}`,
          );
        }
        baseline ??= seconds;
        const row = {
          table,
          way: name,
          seconds: Number(seconds.toFixed(2)),
          conversationsPerSecond: Math.round(conversationCount / seconds),
          messagesPerSecond: Math.round((conversationCount * perConversation) / seconds),
          speedup: Number((baseline / seconds).toFixed(2)),
          chunksAfter: totals.chunks,
        };
        results.push(row);
        console.log(
          `${table} | ${name} | ${row.seconds} s | ${row.messagesPerSecond} messages/s | ×${row.speedup}`,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const report = {
    command: "npm run bench:ingest",
    machine,
    engine: "PGlite (in memory), local embedder, 384 dimensions, cache and rate limit off",
    conversations: conversationCount,
    messagesPerConversation: perConversation,
    results,
  };
  await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n| table | way | seconds | messages/s | speed-up |\n| --- | --- | --- | --- | --- |`);
  for (const r of results) {
    console.log(`| ${r.table} | ${r.way} | ${r.seconds} | ${r.messagesPerSecond} | ${r.speedup}× |`);
  }
  console.log(`\nwrote ${values.out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
