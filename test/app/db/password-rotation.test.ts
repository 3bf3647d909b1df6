/**
 * Password rotation while the app runs, against a real Postgres that checks passwords
 * (scram-sha-256 on TCP). The pool reads DATABASE_URL_FILE (a mounted Secret key the kubelet updates
 * in place): after `ALTER ROLE … PASSWORD`, open connections keep working (Postgres authenticates only
 * at login), new ones fail with 28P01 while the file still holds the old password, and once the file
 * holds the new one the same pool logs in again: no restart, no new pool.
 *
 * (The full app is not started here: its migrations need pgvector, which the Debian Postgres of the
 * test machines lacks; the readiness side is the late-database test's, which retries 28P01 too.)
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresDatabase } from "../../../app/src/db/postgres-database.js";
import { type PostgresServer, startPostgres } from "../../helpers/postgres-server.js";

let server: PostgresServer;
let dir: string;
let db: PostgresDatabase | undefined;

const url = (password: string) =>
  `postgres://app:${encodeURIComponent(password)}@127.0.0.1:${server.port}/postgres`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  server = await startPostgres({
    settings: { password_encryption: "scram-sha-256" },
    hba: [
      "local all all trust",
      "host all postgres 127.0.0.1/32 trust",
      "host all app 127.0.0.1/32 scram-sha-256",
    ],
  });
  dir = await mkdtemp(path.join(tmpdir(), "mcp-rotation-"));
  await admin("CREATE ROLE app LOGIN PASSWORD 'old+pass/1='");
}, 120_000);

afterAll(async () => {
  await db?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a rotated database password", () => {
  it("is picked up from DATABASE_URL_FILE by the running pool, without a restart", async () => {
    const file = path.join(dir, "DATABASE_URL");
    await writeFile(file, url("old+pass/1="));
    // The environment's copy (what the variable held at start) is never updated; only the file is.
    db = new PostgresDatabase({ connectionString: url("old+pass/1="), urlFile: file, max: 2 });
    const who = async () => (await db!.query<{ u: string }>("SELECT current_user AS u"))[0]?.u;
    expect(await who()).toBe("app");

    await admin("ALTER ROLE app PASSWORD 'new pass%2'");
    // Force new logins: the server drops the app's sessions, as a failover or recycle would.
    await admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'");
    // The file still holds the old password: logins fail with invalid_password. (A pooled connection
    // the server just terminated may fail first with 57P01; the pool drops it and logs in anew.)
    let failure: unknown;
    for (let i = 0; i < 5 && (failure as { code?: string } | undefined)?.code !== "28P01"; i++)
      failure = await who().then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((failure as { code?: string }).code).toBe("28P01");

    await writeFile(file, url("new pass%2"));
    expect(await who()).toBe("app");
    // And a second connection logs in with it too (the pool opens one per concurrent checkout).
    const both = await Promise.all([
      db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)"),
      db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)"),
    ]);
    expect(new Set(both.map((r) => r[0]?.pid)).size).toBe(2);
  }, 60_000);

  it("without the file, the pool keeps the password it started with (why the file is needed)", async () => {
    await admin("ALTER ROLE app PASSWORD 'third'");
    const fixed = new PostgresDatabase({ connectionString: url("new pass%2"), max: 1 });
    try {
      await expect(fixed.query("SELECT 1")).rejects.toMatchObject({ code: "28P01" });
    } finally {
      await fixed.close();
    }
  });
});
