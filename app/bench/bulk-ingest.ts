/**
 * `npm run bench:ingest [-- --conversations 1000 --prefill 10000 --out ../docs/benchmarks/bulk-ingest.json]`
 *
 * Loads the same synthetic conversations (20 messages each) into embedded PGlite three ways, side by
 * side in one run, on an empty chunk table and on one pre-filled to `--prefill` chunks:
 *   - one `POST /v1/conversations` per conversation over HTTP (the baseline),
 *   - `POST /v1/conversations/batch` with 100 conversations per request (index maintained),
 *   - the NDJSON import in process with `--defer-index` (HNSW dropped, rebuilt once at the end).
 * Each way has its own database loaded from the same dump. The ways advance in rounds of 100
 * conversations, taking turns (rotating who goes first), and each way's time is the sum of its
 * turns: on a shared machine a burst of load then falls on all three alike instead of on whichever
 * ran at that moment. The import is fed through a stream, a round's lines at a time, and its last
 * turn includes the index rebuild. All ways must end with the same number of messages and chunks.
 * Writes the figures as JSON; speed-ups are against the baseline.
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
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
    conversations: { type: "string", default: "1000" },
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

/** One way of loading: a turn per round of conversations, then whatever it does at the end. */
interface Session {
  turn(batch: IngestConversationInput[]): Promise<void>;
  finish(): Promise<void>;
}

type App = Awaited<ReturnType<typeof buildApp>>;

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

/** The import as `npm run import -- - --defer-index` runs it, fed a round's lines per turn. */
function importSession(app: App): Session {
  const input = new PassThrough();
  let batchDone: (() => void) | undefined;
  const done = runImport({
    app,
    input,
    tenantId: DEFAULT_TENANT,
    batchSize: ROUND,
    deferIndex: true,
    onEvent: (event) => {
      if (event.kind === "progress") batchDone?.();
    },
  });
  done.catch(() => {});
  return {
    turn: async (batch) => {
      const stored = new Promise<void>((resolve) => {
        batchDone = resolve;
      });
      input.write(batch.map((c) => `${JSON.stringify(c)}\n`).join(""));
      await Promise.race([stored, done]);
    },
    finish: async () => {
      input.end();
      const counts = await done;
      if (counts.failed > 0 || counts.ingested !== conversationCount)
        throw new Error(`import: ${JSON.stringify(counts)}`);
    },
  };
}

const ROUND = MAX_BATCH_CONVERSATIONS;

const WAYS: [string, (app: App, address: string) => Session][] = [
  [
    "one POST /v1/conversations per conversation",
    (_app, address) => ({
      turn: async (batch) => {
        for (const c of batch) await post(`${address}/v1/conversations`, c);
      },
      finish: async () => {},
    }),
  ],
  [
    `POST /v1/conversations/batch (${ROUND} per request)`,
    (_app, address) => ({
      turn: (batch) => post(`${address}/v1/conversations/batch`, { conversations: batch }),
      finish: async () => {},
    }),
  ],
  ["npm run import --defer-index (rebuild included)", importSession],
];

if (!Number.isInteger(conversationCount / ROUND) || conversationCount <= 0) {
  throw new Error(`--conversations: give a positive multiple of ${ROUND} (the rounds are whole batches)`);
}
const load = conversations("load", conversationCount, 42);

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

/** All ways from the same dump, in rounds; seconds per way. */
async function race(dump: Blob): Promise<{ seconds: number; totals: Totals }[]> {
  const runs = [];
  for (const [, start] of WAYS) {
    const db = await PgliteDatabase.open(undefined, { loadDataDir: dump });
    const app = await buildApp({ config, databases: { primary: db, replica: db }, embedder });
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    runs.push({ db, app, session: start(app, address), seconds: 0 });
  }
  for (let r = 0; r * ROUND < load.length; r++) {
    const batch = load.slice(r * ROUND, (r + 1) * ROUND);
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(r + k) % runs.length]!;
      run.seconds += await timed(() => run.session.turn(batch));
    }
  }
  const out = [];
  for (const run of runs) {
    run.seconds += await timed(() => run.session.finish());
    const [totals] = await run.db.query<Totals>(
      "SELECT (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM chunks) AS chunks",
    );
    await run.app.close();
    await run.db.close();
    out.push({ seconds: run.seconds, totals: totals! });
  }
  return out;
}

async function main() {
  const machine = `${os.cpus().length} cpu (${os.cpus()[0]?.model.trim()}), node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`;
  console.log(`machine: ${machine}`);
  const results: {
    table: string;
    way: string;
    seconds: number;
    conversationsPerSecond: number;
    messagesPerSecond: number;
    speedup: number;
    chunksAfter: number;
  }[] = [];
  for (const chunks of [0, prefillChunks]) {
    const dump = await template(chunks);
    const table = chunks === 0 ? "empty" : `${chunks} chunks pre-filled`;
    const raced = await race(dump);
    const baseline = raced[0]!;
    raced.forEach(({ seconds, totals }, i) => {
      const name = WAYS[i]![0];
      if (totals.messages !== baseline.totals.messages || totals.chunks !== baseline.totals.chunks) {
        throw new Error(
          `${name} stored ${JSON.stringify(totals)}, the baseline ${JSON.stringify(baseline.totals)}`,
        );
      }
      const row = {
        table,
        way: name,
        seconds: Number(seconds.toFixed(2)),
        conversationsPerSecond: Math.round(conversationCount / seconds),
        messagesPerSecond: Math.round((conversationCount * perConversation) / seconds),
        speedup: Number((baseline.seconds / seconds).toFixed(2)),
        chunksAfter: totals.chunks,
      };
      results.push(row);
      console.log(
        `${table} | ${name} | ${row.seconds} s | ${row.messagesPerSecond} messages/s | ×${row.speedup}`,
      );
    });
  }
  const report = {
    command: "npm run bench:ingest",
    machine,
    loadAfter: Number(os.loadavg()[0]?.toFixed(1)),
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
