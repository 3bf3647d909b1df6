/**
 * The password rotation of PgvectorPostgres, run for real: the postStart script the StatefulSet
 * carries, against a Debian Postgres whose pg_hba.conf is the image's in effect (the socket trusted,
 * TCP by SCRAM), as the server's own user, with the env the container has.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PgvectorPostgresArgs,
  postgresObjects,
  SET_PASSWORD_SQL,
  setPasswordScript,
} from "../../../../infra/index.js";
import { type PostgresServer, startPostgres } from "../../../helpers/postgres-server.js";
import { freePort } from "../../../helpers/redis-server.js";

const ROLE = "app";
const A = "first-pass-A";
const B = "second-pass-B";

let server: PostgresServer;
let admin: pg.Client;

beforeAll(async () => {
  server = await startPostgres({
    hba: ["local all all trust", "host all all all scram-sha-256"],
    // Log every statement: a password that reached the log would show here.
    settings: { password_encryption: "scram-sha-256", log_statement: "all", log_min_duration_statement: "0" },
  });
  admin = new pg.Client({
    host: server.socketDir,
    port: server.port,
    user: "postgres",
    database: "postgres",
  });
  await admin.connect();
  // As the image creates POSTGRES_USER: a superuser with the first password.
  await admin.query(`CREATE ROLE ${ROLE} SUPERUSER LOGIN PASSWORD '${A}'`);
});

afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

/** The script as the pod runs it, pointed at this server, with POSTGRES_PASSWORD = `password`. */
function rotate(
  password: string | undefined,
  script = setPasswordScript({ socketDir: server.socketDir, port: server.port }),
) {
  return server.exec("/bin/bash", ["-c", script], {
    PATH: `${server.bin}:/usr/bin:/bin`,
    POSTGRES_USER: ROLE,
    ...(password === undefined ? {} : { POSTGRES_PASSWORD: password }),
  });
}

/** Log in over TCP with SCRAM; resolves with the SQLSTATE of the failure, or "ok". */
async function login(password: string): Promise<string> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: server.port,
    user: ROLE,
    password,
    database: "postgres",
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ u: string }>("SELECT current_user AS u");
    return rows[0]?.u === ROLE ? "ok" : "wrong user";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const PG: PgvectorPostgresArgs = {
  namespace: "ns",
  image: "pgvector/pgvector:0.8.0-pg16",
  database: "app",
  user: ROLE,
  passwordSecret: { secretName: "db", key: "password" },
  memory: "1Gi",
  cpu: "1",
  tuning: {
    sharedBuffers: "256MB",
    effectiveCacheSize: "768MB",
    maxConnections: 50,
    workMem: "4MB",
    maintenanceWorkMem: "64MB",
    randomPageCost: 1.1,
    effectiveIoConcurrency: 200,
    walBuffers: "16MB",
    checkpointCompletionTarget: 0.9,
  },
  storage: "1Gi",
};

describe("Postgres password rotation", () => {
  it("is the postStart hook of the Postgres container, aimed at its socket and port", () => {
    const sts = postgresObjects(PG).find((o) => o.kind === "StatefulSet") as unknown as {
      spec: { template: { spec: { containers: { name: string; lifecycle?: unknown }[] } } };
    };
    const postgres = sts.spec.template.spec.containers.find((c) => c.name === "postgres");
    expect(postgres?.lifecycle).toEqual({
      postStart: {
        exec: {
          command: ["/bin/bash", "-c", setPasswordScript({ socketDir: "/var/run/postgresql", port: 5432 })],
        },
      },
    });
  });

  it("keeps the password off the command line: psql reads it from the env", () => {
    const script = setPasswordScript({ socketDir: "/var/run/postgresql", port: 5432 });
    expect(script).not.toMatch(/\$\{?POSTGRES_PASSWORD/);
    expect(script).toContain("<<'SQL'");
    expect(SET_PASSWORD_SQL).toContain("\\getenv pw POSTGRES_PASSWORD");
  });

  it("sets the role's password to POSTGRES_PASSWORD: the new one logs in over TCP, the old one no longer", async () => {
    expect(await login(A)).toBe("ok");
    const run = await rotate(B);
    expect(run).toEqual({ code: 0, output: "" });
    expect(await login(B)).toBe("ok");
    // 28P01: invalid_password.
    expect(await login(A)).toBe("28P01");
  });

  it("is idempotent: running it again with the same password changes nothing a client sees", async () => {
    expect(await rotate(B)).toEqual({ code: 0, output: "" });
    expect(await rotate(B)).toEqual({ code: 0, output: "" });
    expect(await login(B)).toBe("ok");
    expect(await login(A)).toBe("28P01");
  });

  it("round-trips a password full of quotes, backslashes, dollars and shell syntax", async () => {
    const nasty = `it's "q" \\ \\\\ $HOME $(id) \`id\` ;-- :'pw' %s é`;
    expect((await rotate(nasty)).code).toBe(0);
    expect(await login(nasty)).toBe("ok");
    expect(await login(B)).toBe("28P01");
    expect((await rotate(B)).code).toBe(0);
  });

  it("never writes the password to the server log, even with every statement logged", async () => {
    const secret = "never-logged-4b7e2a";
    expect((await rotate(secret)).code).toBe(0);
    expect(await login(secret)).toBe("ok");
    const log = server.log();
    expect((await rotate(B)).code).toBe(0);
    expect(log).not.toContain(secret);
    // The log is live: the login's query after the rotation is in it.
    expect(log).toContain("SELECT current_user AS u");
  });

  it("fails, leaving the password alone, when POSTGRES_PASSWORD is missing", async () => {
    const run = await rotate(undefined);
    expect(run.code).not.toBe(0);
    expect(await login(B)).toBe("ok");
  });

  it("gives up after its attempts when nothing listens on TCP, saying the password is unchanged", async () => {
    const script = setPasswordScript({ socketDir: server.socketDir, port: await freePort(), attempts: 1 });
    const run = await rotate(B, script);
    expect(run.code).toBe(1);
    expect(run.output).toContain("role password unchanged");
  });
});
