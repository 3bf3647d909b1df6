import type { Config } from "../config.js";
import type { Databases } from "./database.js";
import { PgliteDatabase } from "./pglite-database.js";
import { PostgresDatabase } from "./postgres-database.js";

/** Postgres (and its replica) when DATABASE_URL is set, else embedded PGlite under DATA_DIR. */
export async function openDatabases(config: Config): Promise<Databases> {
  const { url, replicaUrl, poolSize, maxOverflow, recycleSeconds, dataDir } = config.database;
  if (!url) {
    const db = await PgliteDatabase.open(dataDir);
    return { primary: db, replica: db };
  }
  const pool = { max: poolSize + maxOverflow, maxLifetimeSeconds: recycleSeconds || undefined };
  const primary = new PostgresDatabase({ connectionString: url, ...pool });
  const replica = replicaUrl ? new PostgresDatabase({ connectionString: replicaUrl, ...pool }) : primary;
  return { primary, replica };
}

export async function closeDatabases(databases: Databases): Promise<void> {
  await databases.primary.close();
  if (databases.replica !== databases.primary) await databases.replica.close();
}
