/**
 * Shared test plumbing: one helper builds the app (and closes it after each test), and two store
 * factories — PGlite in-process and the `pg` driver over pglite-socket — for the shared store suite.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type Config, loadConfig } from "../../app/src/config.js";
import type { Databases } from "../../app/src/db/database.js";
import { MIGRATIONS, migrate } from "../../app/src/db/migrations.js";
import { PgliteDatabase } from "../../app/src/db/pglite-database.js";
import { PostgresDatabase } from "../../app/src/db/postgres-database.js";
import { LocalEmbedder } from "../../app/src/embeddings/local-embedder.js";
import { type BuildAppOptions, buildApp } from "../../app/src/server.js";

/** Part of the template's cache key (the package does not export its package.json). */
const PGLITE_VERSION = readFileSync(
  path.resolve(import.meta.dirname, "../../node_modules/@electric-sql/pglite/package.json"),
  "utf8",
);

/** Small vectors keep PGlite fast; the local embedder's behaviour does not depend on the size. */
export const TEST_DIMENSIONS = 128;

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS), ...env });
}

export function testEmbedder(): LocalEmbedder {
  return new LocalEmbedder(TEST_DIMENSIONS);
}

export interface StoreHarness {
  databases: Databases;
  close(): Promise<void>;
}

/**
 * A migrated in-memory PGlite. initdb dominates PGlite's start-up, so the first call in any test
 * process dumps a migrated database to a temp file keyed by the schema and PGlite version; later
 * calls (in every fork) load that tarball instead.
 */
export async function openTestPglite(): Promise<PgliteDatabase> {
  const e = testEmbedder();
  const spec = { provider: e.provider, model: e.model, dimensions: e.dimensions };
  const key = createHash("sha256")
    .update(JSON.stringify(MIGRATIONS.map((m) => m.statements(spec))))
    .update(PGLITE_VERSION)
    .digest("hex")
    .slice(0, 16);
  const file = path.join(tmpdir(), `mcp-app-test-template-${key}.tar`);
  const cached = await readFile(file).catch(() => undefined);
  if (cached) return PgliteDatabase.open(undefined, { loadDataDir: new Blob([cached]) });
  const db = await PgliteDatabase.open();
  await migrate(db, spec);
  const dump = await db.pglite.dumpDataDir("none");
  const partial = `${file}.${process.pid}`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  return db;
}

/** PGlite with pgvector, in this process, in memory. */
async function pgliteHarness(): Promise<StoreHarness> {
  const db = await openTestPglite();
  return { databases: { primary: db, replica: db }, close: () => db.close() };
}

/**
 * The `pg` driver against pglite-socket: the real Postgres wire protocol. One pooled connection,
 * because multiplexed connections can interleave extended-protocol batches (open upstream bug).
 */
async function wireHarness(): Promise<StoreHarness> {
  const db = await openTestPglite();
  const server = new PGLiteSocketServer({ db: db.pglite, host: "127.0.0.1", port: 0 });
  await server.start();
  const pg = new PostgresDatabase({
    connectionString: `postgres://postgres@${server.getServerConn()}/postgres`,
    max: 1,
  });
  return {
    databases: { primary: pg, replica: pg },
    close: async () => {
      await pg.close();
      await server.stop();
      await db.close();
    },
  };
}

export const STORE_FACTORIES: [string, () => Promise<StoreHarness>][] = [
  ["PGlite in-process", pgliteHarness],
  ["pg over pglite-socket", wireHarness],
];

/** Opens a migrated in-memory database once per file; empties it after each test. */
export function useDatabase(factory: () => Promise<StoreHarness> = pgliteHarness): { current: StoreHarness } {
  const ref = {} as { current: StoreHarness };
  beforeAll(async () => {
    ref.current = await factory();
    const e = testEmbedder();
    await migrate(ref.current.databases.primary, {
      provider: e.provider,
      model: e.model,
      dimensions: e.dimensions,
    });
  });
  afterEach(async () => {
    await ref.current.databases.primary.query("TRUNCATE conversations CASCADE");
  });
  afterAll(async () => {
    await ref.current?.close();
  });
  return ref;
}

/** Options for {@link useApp} / {@link startApp}: env overrides plus any {@link BuildAppOptions}. */
export type TestAppOptions = { env?: Record<string, string> } & Partial<
  Omit<BuildAppOptions, "config" | "databases">
>;

/** Builds an app on `databases` with the test config and the small local embedder. */
export async function startApp(databases: Databases, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const { env, ...rest } = options;
  return buildApp({ config: testConfig(env), databases, embedder: testEmbedder(), ...rest });
}

/**
 * The one app helper: a fresh app before each test on the file's shared database, closed after
 * each test (then the database is emptied).
 */
export function useApp(options: TestAppOptions = {}): {
  readonly app: FastifyInstance;
  readonly db: StoreHarness;
} {
  const db = useDatabase();
  let app: FastifyInstance | undefined;
  beforeEach(async () => {
    app = await startApp(db.current.databases, options);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  return {
    get app(): FastifyInstance {
      if (!app) throw new Error("useApp: no app outside a test");
      return app;
    },
    get db(): StoreHarness {
      return db.current;
    },
  };
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "mcp-app-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
