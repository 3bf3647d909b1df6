/**
 * `npm run reembed -w app`: re-embeds every stored chunk with the embedder the environment
 * configures (EMBEDDING_PROVIDER / EMBEDDING_MODEL / EMBEDDING_DIMENSIONS). Stop the app first (on
 * embedded PGlite the folder's lock refuses to start otherwise, naming the server).
 */
import { ConfigError, loadConfig } from "../config.js";
import { DataDirDamagedError } from "../db/damaged-folder.js";
import { DataDirLockedError } from "../db/data-dir-lock.js";
import { closeDatabases, openDatabases } from "../db/open.js";
import { reembed } from "../db/reembed.js";
import { createEmbedder } from "../embeddings/index.js";

async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const databases = await openDatabases(config);
  try {
    const result = await reembed(databases.primary, createEmbedder(config), (m) => console.log(m));
    const from = result.from
      ? `${result.from.provider}/${result.from.model} (${result.from.dimensions})`
      : "nothing";
    console.log(
      `re-embedded ${result.chunks} chunks: ${from} → ${result.to.provider}/${result.to.model} (${result.to.dimensions})`,
    );
  } finally {
    await closeDatabases(databases);
  }
}

run().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof DataDirDamagedError;
  console.error(known ? error.message : error);
  process.exit(1);
});
