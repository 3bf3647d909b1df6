/**
 * `npm run import -- <file.ndjson | -> [--batch-size N] [--defer-index]`: loads conversations, one
 * JSON object per line (the `POST /v1/conversations` body), into the database the environment
 * configures (DATABASE_URL, else embedded PGlite under DATA_DIR) through the batch ingest, in
 * process. Every line is validated (line, field, fix); progress goes to stderr, the counts to
 * stdout; the exit status is 1 when any line failed. Re-running it skips what is stored already.
 *
 * With embedded PGlite the server must be stopped (one process per data directory). `--defer-index`
 * drops the HNSW index before the first write and rebuilds it at the end (docs/app.md, *Import*).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { closeDatabases, openDatabases } from "../db/open.js";
import { Progress } from "../import/progress.js";
import { runImport } from "../import/run-import.js";
import { MAX_BATCH_CONVERSATIONS } from "../schemas/conversation-batch.js";
import { buildApp } from "../server.js";
import { DEFAULT_TENANT } from "../services/context.js";

const USAGE = `usage: npm run import -- <file.ndjson | -> [--batch-size 1-${MAX_BATCH_CONVERSATIONS}] [--defer-index] [--tenant <id>]`;

class UsageError extends Error {}

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "batch-size": { type: "string", default: String(MAX_BATCH_CONVERSATIONS) },
      "defer-index": { type: "boolean", default: false },
      tenant: { type: "string", default: DEFAULT_TENANT },
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
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(values.tenant)) {
    throw new UsageError("--tenant: 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  // npm runs the app workspace's script in app/: a relative path is the caller's, from INIT_CWD.
  const file =
    positionals[0] === "-" ? "-" : path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);
  return { file, batchSize, deferIndex: values["defer-index"], tenant: values.tenant };
}

async function run(): Promise<number> {
  const args = options();
  const total = args.file === "-" ? undefined : (await stat(args.file)).size;
  const input = args.file === "-" ? process.stdin : createReadStream(args.file);
  const config = loadConfig(process.env);
  const databases = await openDatabases(config);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  const started = performance.now();
  try {
    const app = await buildApp({ config, databases });
    try {
      const progress = new Progress(process.stderr, total);
      const counts = await runImport({
        app,
        input,
        tenantId: args.tenant,
        batchSize: args.batchSize,
        deferIndex: args.deferIndex,
        stopped: () => interrupted,
        onEvent: (event) =>
          event.kind === "problem"
            ? progress.problem(event.message)
            : progress.update(event.counts, event.bytes),
        onUnexpected: (id, error) => progress.problem(`conversation ${id}: ${String(error)}`),
        onRebuild: () => progress.problem("rebuilding the vector index…"),
      });
      progress.done(counts, total ?? 0);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const how = counts.stopped ? "stopped by SIGINT after" : "imported";
      console.log(
        `${how} ${counts.lines} lines in ${seconds} s: ${counts.ingested} ingested, ${counts.unchanged} unchanged, ${counts.failed} failed`,
      );
      if (counts.stopped) return 130;
      return counts.failed > 0 ? 1 : 0;
    } finally {
      await app.close();
    }
  } finally {
    process.off("SIGINT", onSigint);
    await closeDatabases(databases);
  }
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) console.error(error.message);
    else if ((error as NodeJS.ErrnoException).code === "ENOENT")
      console.error(`no such file: ${(error as NodeJS.ErrnoException).path}`);
    else console.error(error);
    process.exit(2);
  },
);
