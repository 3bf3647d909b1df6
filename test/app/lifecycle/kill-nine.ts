/**
 * "Nothing lost" (issue 15, point 1): concurrent ingests against the real entry point, `kill -9`
 * once some of them are acknowledged, then the checks after a restart. Shared by the seeded CI
 * test (`kill-nine.test.ts`) and the long run (`scripts/reliability/`), which only scale it.
 */
// The same seed sends the same conversations (mulberry32, the bench corpus's generator).
import { rng as prng } from "../../../app/bench/corpus.js";
import type { ChildApp } from "./child-app.js";

export interface SentConversation {
  id: string;
  messages: { role: "user" | "assistant"; content: string }[];
}

/** Conversation `n` of run `seed`: 1–40 messages, so some ingests are long enough to be cut. */
export function conversationFor(seed: number, n: number): SentConversation {
  const random = prng(seed * 100_003 + n);
  const count = 1 + Math.floor(random() * 40);
  const words = [
    "pod",
    "deploy",
    "cache",
    "index",
    "vector",
    "replica",
    "drain",
    "backup",
    "tenant",
    "probe",
  ];
  const messages = Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
    content: Array.from(
      { length: 5 + Math.floor(random() * 60) },
      () => words[Math.floor(random() * 10)],
    ).join(" "),
  }));
  return { id: `kill9-${seed}-${n}`, messages };
}

export interface IngestRun {
  /** Every conversation a request was started for, by id. */
  sent: Map<string, SentConversation>;
  /** Ids answered 2xx before the kill. */
  acknowledged: Set<string>;
  /** Requests that ended some other way (connection reset by the kill, or a non-2xx status). */
  unacknowledged: number;
}

/**
 * `concurrency` clients ingest distinct conversations until `acknowledgements` of them were
 * answered 2xx, then the app gets SIGKILL while the others are in flight.
 */
export async function ingestUntilKilled(
  app: ChildApp,
  options: { seed: number; concurrency: number; acknowledgements: number },
): Promise<IngestRun> {
  const run: IngestRun = { sent: new Map(), acknowledged: new Set(), unacknowledged: 0 };
  let next = 0;
  let killed = false;
  const client = async () => {
    while (!killed) {
      const conversation = conversationFor(options.seed, next++);
      run.sent.set(conversation.id, conversation);
      try {
        const res = await fetch(`${app.baseUrl}/v1/conversations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(conversation),
        });
        await res.arrayBuffer();
        if (res.ok && !killed) run.acknowledged.add(conversation.id);
        else run.unacknowledged++;
      } catch {
        run.unacknowledged++;
      }
      if (!killed && run.acknowledged.size >= options.acknowledgements) {
        killed = true;
        app.child.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  await app.exited;
  return run;
}

export interface StoredSummary {
  id: string;
  message_count: number;
}

/** Every conversation the restarted app lists (all pages). */
export async function listAll(baseUrl: string): Promise<StoredSummary[]> {
  const all: StoredSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const res = await fetch(`${baseUrl}/v1/conversations?limit=100${query}`);
    if (!res.ok) throw new Error(`list answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { conversations: StoredSummary[]; next_cursor: string | null };
    all.push(...page.conversations);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

export interface LossReport {
  acknowledged: number;
  /** Acknowledged conversations missing after the restart or stored with other messages. */
  lost: string[];
  /** Stored conversations whose messages are not exactly the ones sent (any, acknowledged or not). */
  halfWritten: string[];
  /** Stored conversations the run never sent. */
  unknown: string[];
  stored: number;
}

/** Compares what the restarted app serves with what was sent and acknowledged. */
export async function checkAfterRestart(baseUrl: string, run: IngestRun): Promise<LossReport> {
  const stored = await listAll(baseUrl);
  const report: LossReport = {
    acknowledged: run.acknowledged.size,
    lost: [],
    halfWritten: [],
    unknown: [],
    stored: stored.length,
  };
  for (const summary of stored) {
    const sent = run.sent.get(summary.id);
    if (!sent) report.unknown.push(summary.id);
    else if (summary.message_count !== sent.messages.length) report.halfWritten.push(summary.id);
  }
  for (const id of run.acknowledged) {
    const res = await fetch(`${baseUrl}/v1/conversations/${encodeURIComponent(id)}`);
    if (res.status !== 200) {
      report.lost.push(id);
      continue;
    }
    const body = (await res.json()) as { messages: { role: string; content: string }[] };
    const sent = run.sent.get(id)?.messages ?? [];
    const same =
      body.messages.length === sent.length &&
      body.messages.every((m, i) => m.role === sent[i]?.role && m.content === sent[i]?.content);
    if (!same) report.lost.push(id);
  }
  return report;
}

/** Conversations stored without any chunk or without any message (a torn ingest), by SQL. */
export const TORN_SQL = `
  SELECT count(*)::int AS torn FROM conversations c
  WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)
     OR NOT EXISTS (SELECT 1 FROM chunks k WHERE k.conversation_id = c.id)`;
