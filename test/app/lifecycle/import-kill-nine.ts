/**
 * "One owner per data folder" under fire (issue 22): `npm run import` and the server on one PGlite
 * folder, with `kill -9` at a random point, then a restart on the same folder. Each run is one of:
 *
 * - **server owns**: the server runs with clients ingesting; the real import CLI starts (it finds
 *   the server in the folder's lock and posts its batches there, or — when the kill came first —
 *   opens the folder itself); the server gets SIGKILL after a random delay.
 * - **import owns**: the server is killed first; the import opens the folder in process; a server
 *   started meanwhile must be refused, naming the import's pid; the import gets SIGKILL after a
 *   random delay (or finishes first).
 *
 * Then a server must open the folder again, every acknowledged conversation (a 2xx to a client, or
 * counted as ingested/unchanged by the import, whose batches go in file order) must be there with
 * its messages, and no conversation of the run may be stored partly. Shared by the seeded CI test
 * (`import-kill-nine.test.ts`) and the long run (`test/reliability/import-kill.run.ts`).
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { rng as prng } from "../../../app/bench/corpus.js";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { openTestPglite, TEST_DIMENSIONS } from "../helpers.js";
import { type ChildApp, startChildApp } from "./child-app.js";
import { conversationFor, type SentConversation } from "./kill-nine.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const IMPORT_CLI = path.join(REPO, "app/src/cli/import.ts");

export type RunKind = "server owns" | "import owns";

/** One run's size, the same in CI and in the long run (only the number of runs differs). */
export const SCENARIO = { importConversations: 24, batchSize: 3, clients: 3, maxKillDelayMs: 2500 };

/** The migrated test template in `dataDir` (no initdb in the children); the app's environment for it. */
export async function seedDataDir(dataDir: string): Promise<Record<string, string>> {
  const template = await openTestPglite();
  const dump = await template.pglite.dumpDataDir("none");
  await template.close();
  await (await PgliteDatabase.open(dataDir, { loadDataDir: dump })).close();
  return {
    DATA_DIR: dataDir,
    EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
    RATE_LIMIT_PER_MINUTE: "0",
    LOG_LEVEL: "warn",
  };
}

export interface ScenarioSettings {
  /** The app's environment (DATA_DIR among it); the import gets the same. */
  env: Record<string, string>;
  /** Where the run's NDJSON files go. */
  workDir: string;
  importConversations: number;
  batchSize: number;
  clients: number;
  /** The kill lands uniformly in [0, this). */
  maxKillDelayMs: number;
}

export interface RunReport {
  kind: RunKind;
  /** How the import's batches went: to the server, in process, or unknown (it was killed). */
  importVia: "server" | "in process" | "killed";
  acknowledged: number;
  lost: string[];
  halfWritten: string[];
  /** Import owns: whether a server started meanwhile was refused with the lock's message. */
  refusedStart?: boolean;
  /** When it was not refused: what the server printed (or "started"), to see why. */
  startAttempt?: string;
  /** The server's output when it failed to open the folder again (else undefined). */
  reopenFailure?: string;
}

interface ImportChild {
  pid: number;
  /** Resolves once the import said where its batches go, or exited. */
  started: Promise<void>;
  /** For `"-"`: writes to the import's standard input (`end` closes it). */
  write(text: string, end?: boolean): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(): void;
}

/** The real CLI on `file`, or on its standard input for `"-"`. */
function startImport(file: string, settings: ScenarioSettings): ImportChild {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@mcp-stack/source",
      "--import",
      "tsx",
      IMPORT_CLI,
      file,
      "--batch-size",
      String(settings.batchSize),
    ],
    {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...settings.env },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  if (file !== "-") child.stdin.end();
  child.stdin.on("error", () => {
    // Killed while we were writing: what it read so far is what counts.
  });
  let stdout = "";
  let stderr = "";
  let announced: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    announced = resolve;
  });
  child.stdout.on("data", (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d;
    if (stderr.includes("sending batches to the server")) announced();
  });
  child.once("close", () => announced());
  return {
    pid: child.pid ?? -1,
    started,
    write: (text, end) => {
      if (end) child.stdin.end(text);
      else child.stdin.write(text);
    },
    exited: new Promise((resolve) =>
      child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
    ),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Conversations the import acknowledged: the first ingested + unchanged lines of the file. */
export function importAcknowledged(stdout: string): number | undefined {
  const m =
    /^(?:imported|stopped after) (\d+) lines in [\d.]+ s: (\d+) ingested, (\d+) unchanged, (\d+) failed$/m.exec(
      stdout,
    );
  if (!m) return undefined;
  if (Number(m[4]) !== 0) throw new Error(`the import reported failed lines:\n${stdout}`);
  return Number(m[2]) + Number(m[3]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Clients posting single conversations until `stop()`; ids acknowledged 2xx before the kill. */
function ingestClients(server: ChildApp, count: number, seed: number) {
  const sent = new Map<string, SentConversation>();
  const acknowledged = new Set<string>();
  let stopped = false;
  let next = 0;
  const client = async () => {
    while (!stopped) {
      const conversation = conversationFor(seed, next++);
      sent.set(conversation.id, conversation);
      try {
        const res = await fetch(`${server.baseUrl}/v1/conversations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(conversation),
        });
        await res.arrayBuffer();
        if (res.ok && !stopped) acknowledged.add(conversation.id);
      } catch {
        // Cut by the kill: not acknowledged.
      }
    }
  };
  const running = Array.from({ length: count }, client);
  return {
    sent,
    acknowledged,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/** Acknowledged ones must be stored exactly; the others stored exactly or not at all. */
async function check(
  baseUrl: string,
  sent: Map<string, SentConversation>,
  acknowledged: Set<string>,
): Promise<{ lost: string[]; halfWritten: string[] }> {
  const lost: string[] = [];
  const halfWritten: string[] = [];
  for (const [id, conversation] of sent) {
    const res = await fetch(`${baseUrl}/v1/conversations/${encodeURIComponent(id)}`);
    if (res.status === 404) {
      await res.arrayBuffer();
      if (acknowledged.has(id)) lost.push(id);
      continue;
    }
    if (res.status !== 200) throw new Error(`GET ${id} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { messages: { role: string; content: string }[] };
    const same =
      body.messages.length === conversation.messages.length &&
      body.messages.every(
        (m, i) =>
          m.role === conversation.messages[i]?.role && m.content === conversation.messages[i]?.content,
      );
    if (!same) (acknowledged.has(id) ? lost : halfWritten).push(id);
  }
  return { lost, halfWritten };
}

async function startServer(settings: ScenarioSettings): Promise<ChildApp | { failure: string }> {
  const server = await startChildApp(settings.env);
  try {
    await server.listening();
    return server;
  } catch {
    server.kill();
    await server.exited;
    return { failure: server.output() };
  }
}

async function killServer(server: ChildApp): Promise<void> {
  server.kill();
  await server.exited;
}

/**
 * One run on the folder `server` (if any) serves. Returns the report and the server now serving
 * the folder (the restarted one), or undefined when it could not reopen it.
 */
export async function scenarioRun(
  server: ChildApp | undefined,
  settings: ScenarioSettings,
  seed: number,
  kind: RunKind,
): Promise<{ report: RunReport; server?: ChildApp }> {
  const random = prng(seed);
  const imported = Array.from({ length: settings.importConversations }, (_, n) => ({
    ...conversationFor(seed, n),
    id: `import-${seed}-${n}`,
  }));
  const file = path.join(settings.workDir, `import-${seed}.ndjson`);
  await writeFile(file, `${imported.map((c) => JSON.stringify(c)).join("\n")}\n`);
  const sent = new Map<string, SentConversation>(imported.map((c) => [c.id, c]));
  const acknowledged = new Set<string>();
  const killAfter = random() * settings.maxKillDelayMs;
  let refusedStart: boolean | undefined;
  let startAttempt: string | undefined;
  let importRun: Awaited<ImportChild["exited"]>;

  if (kind === "server owns") {
    const live = server ?? (await startServer(settings));
    if (!("child" in live)) throw new Error(`the server did not start:\n${live.failure}`);
    const clients = ingestClients(live, settings.clients, seed + 500_000);
    const importer = startImport(file, settings);
    // From the moment its batches start going to the server: the kill then cuts the import at a
    // random batch (a server dead before it starts is the "import owns" case).
    await importer.started;
    await sleep(killAfter);
    await killServer(live);
    await clients.stop();
    for (const [id, c] of clients.sent) sent.set(id, c);
    for (const id of clients.acknowledged) acknowledged.add(id);
    importRun = await importer.exited;
  } else {
    if (server) await killServer(server);
    // Fed through stdin, half first: the import holds the folder while the server tries to start.
    const importer = startImport("-", settings);
    const lines = imported.map((c) => `${JSON.stringify(c)}\n`);
    const half = Math.ceil(lines.length / 2);
    importer.write(lines.slice(0, half).join(""));
    // Once the import holds the folder, a server must not start on it.
    const lockFile = path.join(settings.env.DATA_DIR ?? "", "owner.lock");
    let owned = false;
    for (let i = 0; i < 1200 && !owned; i++) {
      const text = await readFile(lockFile, "utf8").catch(() => "");
      owned = text.includes(`"pid":${importer.pid},`);
      if (!owned) await sleep(25);
    }
    const attempt = await startServer(settings);
    if ("child" in attempt) {
      await killServer(attempt);
      refusedStart = false;
      startAttempt = `started (lock seen: ${owned})`;
    } else {
      refusedStart =
        owned &&
        attempt.failure.includes("is in use by another process") &&
        attempt.failure.includes(`pid ${importer.pid},`);
      if (!refusedStart) startAttempt = `lock seen: ${owned}; ${attempt.failure}`;
    }
    importer.write(lines.slice(half).join(""), true);
    await sleep(killAfter);
    importer.kill();
    importRun = await importer.exited;
  }

  const count = importRun.signal === "SIGKILL" ? undefined : importAcknowledged(importRun.stdout);
  if (importRun.signal !== "SIGKILL" && count === undefined) {
    throw new Error(
      `the import ended without its counts (${importRun.code}):\n${importRun.stdout}\n${importRun.stderr}`,
    );
  }
  for (const c of imported.slice(0, count ?? 0)) acknowledged.add(c.id);
  const importVia =
    count === undefined
      ? "killed"
      : importRun.stderr.includes("sending batches to the server")
        ? "server"
        : "in process";

  const reopened = await startServer(settings);
  if (!("child" in reopened)) {
    return {
      report: {
        kind,
        importVia,
        acknowledged: acknowledged.size,
        lost: [],
        halfWritten: [],
        refusedStart,
        reopenFailure: reopened.failure,
      },
    };
  }
  const { lost, halfWritten } = await check(reopened.baseUrl, sent, acknowledged);
  return {
    report: {
      kind,
      importVia,
      acknowledged: acknowledged.size,
      lost,
      halfWritten,
      refusedStart,
      startAttempt,
    },
    server: reopened,
  };
}
