/**
 * The database the bench runs on: embedded PGlite in memory (default) or any Postgres with pgvector
 * (`--database-url`). Either way the app's own migrations create the schema.
 */
import { type Database, SEARCH_SETTINGS } from "../src/db/database.js";
import { type EmbeddingSpec, migrate } from "../src/db/migrations.js";
import { PgliteDatabase } from "../src/db/pglite-database.js";
import { PostgresDatabase } from "../src/db/postgres-database.js";

export interface EngineInfo {
  kind: "pglite" | "postgres";
  /** `SHOW server_version`. */
  postgres: string;
  /** `pg_extension.extversion` of vector. */
  pgvector: string;
}

export async function openEngine(
  databaseUrl: string | undefined,
  spec: EmbeddingSpec,
): Promise<{ db: Database; info: EngineInfo }> {
  const db = databaseUrl
    ? new PostgresDatabase({ connectionString: databaseUrl, size: 4, maxOverflow: 0 })
    : await PgliteDatabase.open();
  try {
    await migrate(db, spec);
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM conversations");
    if (n > 0) {
      throw new Error(
        `The database already holds ${n} conversations. The bench fills and times an empty one: ` +
          "point --database-url at a scratch database (createdb bench) and run it again.",
      );
    }
    const [version] = await db.query<{ server_version: string }>("SHOW server_version");
    const [vector] = await db.query<{ extversion: string }>(
      "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
    );
    return {
      db,
      info: {
        kind: db.kind,
        postgres: version?.server_version ?? "?",
        pgvector: vector?.extversion ?? "?",
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The ef_search every app search runs with (recorded with the figures). */
export const APP_EF_SEARCH = Number(SEARCH_SETTINGS["hnsw.ef_search"]);
