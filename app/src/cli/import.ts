/**
 * `npm run import -- <file.ndjson | -> [--batch-size N] [--defer-index] [--url <server>]`: loads
 * conversations, one JSON object per line (the `POST /v1/conversations` body), through the batch
 * ingest. Every line is validated (line, field, fix); progress goes to stderr, the counts to
 * stdout; the exit status is 1 when any line failed. Re-running it skips what is stored already.
 *
 * Where the batches go: to the server `--url` names; else, when a live server owns the embedded
 * data folder (its lock records its URL, `db/data-dir-lock.ts`), to that server; else in process
 * into the database the environment configures (DATABASE_URL, else PGlite under DATA_DIR, locked
 * for the import's duration). `--defer-index` drops the HNSW index before the first write and
 * rebuilds it at the end, so it needs the database in process (docs/app.md, *Import*).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { type Config, ConfigError, loadConfig } from "../config.js";
import { DataDirDamagedError } from "../db/damaged-folder.js";
import { DataDirLockedError, dataDirOwner } from "../db/data-dir-lock.js";
import { closeDatabases, openDatabases } from "../db/open.js";
import { httpIngest } from "../import/http-ingest.js";
import { ImportAborted, type ImportCounts, type ImportEvent, importNdjson } from "../import/importer.js";
import { ndjsonLines } from "../import/ndjson-lines.js";
import { Progress } from "../import/progress.js";
import { runImport } from "../import/run-import.js";
import { MAX_BATCH_CONVERSATIONS } from "../schemas/conversation-batch.js";
import { buildApp } from "../server.js";
import { DEFAULT_TENANT } from "../services/context.js";

const USAGE = `usage: npm run import -- <file.ndjson | -> [--batch-size 1-${MAX_BATCH_CONVERSATIONS}] [--defer-index] [--tenant <id>] [--url <server> [--api-key <key>]]`;

/** The variable the start-up banner's curl examples read the key from. */
const API_KEY_VARIABLE = "API_KEY";

class UsageError extends Error {}

interface Args {
  file: string;
  batchSize: number;
  deferIndex: boolean;
  tenant?: string;
  url?: string;
  apiKey?: string;
}

function options(): Args {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "batch-size": { type: "string", default: String(MAX_BATCH_CONVERSATIONS) },
      "defer-index": { type: "boolean", default: false },
      tenant: { type: "string" },
      url: { type: "string" },
      "api-key": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const batchSize = Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_CONVERSATIONS) {
    throw new UsageError(`--batch-size: give a whole number from 1 to ${MAX_BATCH_CONVERSATIONS}\n${USAGE}`);
  }
  if (positionals.length !== 1) throw new UsageError(`give one file, or - for stdin\n${USAGE}`);
  if (values.tenant !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(values.tenant)) {
    throw new UsageError("--tenant: 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  if (values.url !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(values.url)) {
    throw new UsageError(`--url: give the server's base URL, e.g. http://127.0.0.1:8000 (got ${values.url})`);
  }
  // npm runs the app workspace's script in app/: a relative path is the caller's, from INIT_CWD.
  const file =
    positionals[0] === "-" ? "-" : path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);
  return {
    file,
    batchSize,
    deferIndex: values["defer-index"],
    tenant: values.tenant,
    url: values.url,
    apiKey: values["api-key"] ?? (process.env[API_KEY_VARIABLE] || undefined),
  };
}

type Target = { kind: "server"; url: string; why: string; apiKey?: string } | { kind: "database" };

/** A server when --url names one or a live server owns the data folder; else the database itself. */
async function chooseTarget(args: Args, config: Config): Promise<Target> {
  let server: { url: string; why: string } | undefined;
  if (args.url) server = { url: args.url, why: "--url" };
  else if (!config.database.url) {
    const owner = await dataDirOwner(config.database.dataDir);
    // Owned by something that serves no batches (a re-embed, another import, a server starting).
    if (owner && !owner.url) throw new DataDirLockedError(config.database.dataDir, owner);
    if (owner?.url) server = { url: owner.url, why: `it owns ${config.database.dataDir} (pid ${owner.pid})` };
  }
  if (!server) return { kind: "database" };
  if (args.deferIndex) {
    throw new UsageError(
      `--defer-index rebuilds the vector index in this process, which a server at ${server.url} (${server.why}) does not allow: drop --defer-index, or stop the server first`,
    );
  }
  let apiKey = args.apiKey;
  if (args.tenant !== undefined) {
    // Through a server the API key decides the tenant: take the one API_KEYS maps to it.
    const forTenant = [...config.apiKeys].find(([, tenant]) => tenant === args.tenant)?.[0];
    if (args.apiKey || !forTenant) {
      throw new UsageError(
        `--tenant: through a server the API key decides the tenant; give --api-key (or ${API_KEY_VARIABLE}) of tenant ${args.tenant} without --tenant, or set API_KEYS as the server has it`,
      );
    }
    apiKey = forTenant;
  }
  return { kind: "server", ...server, apiKey: apiKey ?? [...config.apiKeys.keys()][0] };
}

function summary(counts: ImportCounts, seconds: string): string {
  return `${counts.lines} lines in ${seconds} s: ${counts.ingested} ingested, ${counts.unchanged} unchanged, ${counts.failed} failed`;
}

async function run(): Promise<number> {
  const args = options();
  const total = args.file === "-" ? undefined : (await stat(args.file)).size;
  const input: Readable = args.file === "-" ? process.stdin : createReadStream(args.file);
  const config = loadConfig(process.env);
  const target = await chooseTarget(args, config);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const progress = new Progress(process.stderr, total);
  const common = {
    batchSize: args.batchSize,
    stopped: () => interrupted,
    onEvent: (event: ImportEvent) =>
      event.kind === "problem" ? progress.problem(event.message) : progress.update(event.counts, event.bytes),
  };
  try {
    let counts: ImportCounts & { stopped: boolean };
    if (target.kind === "server") {
      progress.problem(`sending batches to the server at ${target.url} (${target.why})`);
      counts = await importNdjson(ndjsonLines(input), {
        ...common,
        ingest: httpIngest({ baseUrl: target.url, apiKey: target.apiKey }),
      });
    } else {
      counts = await importInProcess(config, args, input, common, progress);
    }
    progress.done(counts, total ?? 0);
    console.log(`${counts.stopped ? "stopped by SIGINT after" : "imported"} ${summary(counts, seconds())}`);
    if (counts.stopped) return 130;
    return counts.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof ImportAborted)) throw error;
    console.error(`import: ${error.message}`);
    console.error(
      "import: what is counted below is stored; re-run the import to add the rest (stored lines are skipped)",
    );
    console.log(`stopped after ${summary(error.counts, seconds())}`);
    return 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

async function importInProcess(
  config: Config,
  args: Args,
  input: Readable,
  common: Pick<Parameters<typeof runImport>[0], "batchSize" | "stopped" | "onEvent">,
  progress: Progress,
): Promise<ImportCounts & { stopped: boolean }> {
  const databases = await openDatabases(config);
  try {
    const app = await buildApp({ config, databases });
    try {
      return await runImport({
        ...common,
        app,
        input,
        tenantId: args.tenant ?? DEFAULT_TENANT,
        deferIndex: args.deferIndex,
        onUnexpected: (id, error) => progress.problem(`conversation ${id}: ${String(error)}`),
        onRebuild: () => progress.problem("rebuilding the vector index…"),
      });
    } finally {
      await app.close();
    }
  } finally {
    await closeDatabases(databases);
  }
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof DataDirDamagedError
    )
      console.error(error.message);
    else if ((error as NodeJS.ErrnoException).code === "ENOENT")
      console.error(`no such file: ${(error as NodeJS.ErrnoException).path}`);
    else console.error(error);
    process.exit(2);
  },
);
