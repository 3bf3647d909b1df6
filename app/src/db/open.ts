import type { Config } from "../config.js";
import type { Databases } from "./database.js";
import { PgliteDatabase } from "./pglite-database.js";
import { poolSettings } from "./pool.js";
import { PostgresDatabase } from "./postgres-database.js";

/**
 * Postgres (and its replica) when DATABASE_URL is set, else embedded PGlite under DATA_DIR. Each
 * Postgres URL gets its own pool sized by DB_POOL_SIZE + DB_MAX_OVERFLOW (see `pool.ts`).
 */
export async function openDatabases(config: Config): Promise<Databases> {
  const { url, replicaUrl, dataDir } = config.database;
  if (!url) {
    const db = await PgliteDatabase.open(dataDir);
    return { primary: db, replica: db };
  }
  const settings = poolSettings(config.database);
  const { urlFile, replicaUrlFile } = config.database;
  const primary = new PostgresDatabase({ connectionString: url, urlFile, ...settings });
  const replica = replicaUrl
    ? new PostgresDatabase({ connectionString: replicaUrl, urlFile: replicaUrlFile, ...settings })
    : primary;
  return { primary, replica };
}

export async function closeDatabases(databases: Databases): Promise<void> {
  await databases.primary.close();
  if (databases.replica !== databases.primary) await databases.replica.close();
}
