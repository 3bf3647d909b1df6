/**
 * A real, throwaway Debian Postgres for tests, and a real `pgbouncer` in front of it: each on a free
 * loopback port, with its data, sockets, config and logs in one temp dir. Both refuse to run as root,
 * so as root they run as the `postgres` system user (setpriv, which execs: the pid we hold is the
 * server's). Tests that need them fail (never skip) when a binary is missing, naming the install line.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, readdirSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./redis-server.js";

export const POSTGRES_INSTALL_HINT =
  "sudo apt-get update && sudo apt-get install -y --no-install-recommends pgbouncer postgresql";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback unless `hba` says otherwise). */
  url: string;
  port: number;
  /** Directory of the server's Unix socket. */
  socketDir: string;
  /** Directory of the server's binaries (`psql`, `pg_isready` too). */
  bin: string;
  /** The tail of the server's log (stderr), up to 4000 characters. */
  log(): string;
  /** Run a command as the server's user with exactly `env`; resolves with its exit code and output. */
  exec(command: string, args: string[], env: Record<string, string>): Promise<ExecResult>;
  /** Fast shutdown, wait for exit, remove the temp dir. */
  stop(): Promise<void>;
}

export interface ExecResult {
  code: number | null;
  /** stdout and stderr, interleaved, trimmed. */
  output: string;
}

export interface PgBouncerServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, through the pooler. */
  url: string;
  port: number;
  /** Immediate shutdown, wait for exit, remove the temp dir. */
  stop(): Promise<void>;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The directory holding `initdb` and `postgres`: the newest `/usr/lib/postgresql/<major>/bin` (Debian
 * keeps them off PATH), else wherever PATH has `initdb`.
 */
export function findPostgresBin(): string {
  const root = "/usr/lib/postgresql";
  let majors: string[] = [];
  try {
    majors = readdirSync(root).filter((d) => /^\d+$/.test(d));
  } catch {}
  for (const major of majors.sort((a, b) => Number(b) - Number(a))) {
    const bin = path.join(root, major, "bin");
    if (executable(path.join(bin, "initdb")) && executable(path.join(bin, "postgres"))) return bin;
  }
  const initdb = onPath("initdb");
  if (initdb && executable(path.join(path.dirname(initdb), "postgres"))) return path.dirname(initdb);
  throw new Error(
    `Postgres server binaries (initdb, postgres) not found under ${root}/*/bin or on PATH; install them with: ${POSTGRES_INSTALL_HINT}`,
  );
}

export function findPgBouncer(): string {
  const found = onPath("pgbouncer") ?? ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find(executable);
  if (!found) throw new Error(`pgbouncer not found; install it with: ${POSTGRES_INSTALL_HINT}`);
  return found;
}

/** Who the servers run as: ourselves, or as root the `postgres` user (created by the Debian package). */
interface RunAs {
  /** Prefix for the command line (empty when not root). */
  prefix: string[];
  uid: number;
  gid: number;
}

function runAs(): RunAs {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid !== 0) return { prefix: [], uid, gid };
  let ids: { uid: number; gid: number };
  try {
    ids = {
      uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
      gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
    };
  } catch {
    throw new Error(
      `running as root and there is no "postgres" user to run Postgres as; install the package with: ${POSTGRES_INSTALL_HINT}`,
    );
  }
  const setpriv = onPath("setpriv");
  if (setpriv) {
    return {
      prefix: [setpriv, `--reuid=${ids.uid}`, `--regid=${ids.gid}`, "--init-groups", "--"],
      ...ids,
    };
  }
  const runuser = onPath("runuser");
  if (runuser) return { prefix: [runuser, "-u", "postgres", "--"], ...ids };
  throw new Error("running as root and neither setpriv nor runuser is on PATH (util-linux)");
}

/** A temp dir the server user owns. */
async function serverDir(prefix: string, user: RunAs): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  if (user.prefix.length > 0) await chown(dir, user.uid, user.gid);
  return dir;
}

function spawnAs(user: RunAs, command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const [file, ...rest] = [...user.prefix, command, ...args];
  return spawn(file!, rest, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
}

function collectOutput(child: ChildProcess): () => string {
  let output = "";
  const add = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => output.trim();
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function runCommand(
  user: RunAs,
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<ExecResult> {
  const child = spawnAs(user, command, args, env);
  const output = collectOutput(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (c) => resolve(c));
  });
  return { code, output: output() };
}

async function runToEnd(user: RunAs, command: string, args: string[]): Promise<void> {
  const { code, output } = await runCommand(user, command, args);
  if (code !== 0) throw new Error(`${path.basename(command)} exited with ${code}: ${output}`);
}

/** Resolves once `SELECT 1` answers at `url`; bounded by attempts (up to 400 × 25 ms), not wall time. */
async function waitForSql(
  url: string | pg.ClientConfig,
  child: ChildProcess,
  name: string,
  output: () => string,
): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 400; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const client = new pg.Client(typeof url === "string" ? { connectionString: url } : url);
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (error) {
      last = error;
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const where = typeof url === "string" ? url : `${url.host}:${url.port}`;
  throw new Error(`${name} did not answer on ${where}: ${String(last)}\n${output() || "no output"}`);
}

function stopper(child: ChildProcess, signal: NodeJS.Signals, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited(child);
    await rm(dir, { recursive: true, force: true });
  };
}

/**
 * initdb into a temp dir and start `postgres` on 127.0.0.1 (unix socket in the temp dir too), trust
 * authentication, fsync off. Resolves once it answers a query over the socket as `postgres`.
 *
 * `hba` replaces pg_hba.conf (one line each), e.g. `["local all all trust", "host all all all
 * scram-sha-256"]` for password authentication over TCP; keep a trusted `local` line for `postgres`.
 */
export async function startPostgres(
  options: { port?: number; settings?: Record<string, string>; hba?: readonly string[] } = {},
): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const user = runAs();
  const port = options.port ?? (await freePort());
  const dir = await serverDir("postgres-test-", user);
  const data = path.join(dir, "data");
  try {
    await runToEnd(user, path.join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    if (options.hba) {
      const hba = path.join(data, "pg_hba.conf");
      await writeFile(hba, `${options.hba.join("\n")}\n`);
      if (user.prefix.length > 0) await chown(hba, user.uid, user.gid);
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const settings = {
    listen_addresses: "127.0.0.1",
    fsync: "off",
    max_connections: "100",
    ...options.settings,
  };
  const child = spawnAs(user, path.join(bin, "postgres"), [
    "-D",
    data,
    "-k",
    dir,
    "-p",
    String(port),
    ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
  ]);
  const output = collectOutput(child);
  // SIGINT is Postgres's fast shutdown: sessions are ended, then it exits.
  const stop = stopper(child, "SIGINT", dir);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitForSql({ host: dir, port, user: "postgres", database: "postgres" }, child, "postgres", output);
  } catch (error) {
    child.kill("SIGKILL");
    await stop();
    throw error;
  }
  const exec = (command: string, args: string[], env: Record<string, string>) =>
    runCommand(user, command, args, env);
  return { url, port, socketDir: dir, bin, log: output, exec, stop };
}

export interface PgBouncerOptions {
  /** The server to pool; its `postgres` database and user. */
  server: { port: number };
  port?: number;
  poolMode?: "session" | "transaction" | "statement";
  /** Server connections per database/user pair (default 4). */
  defaultPoolSize?: number;
}

/** A `pgbouncer` in front of `server`, generated ini and userlist in a temp dir. */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncerServer> {
  const binary = findPgBouncer();
  const user = runAs();
  const port = options.port ?? (await freePort());
  const dir = await serverDir("pgbouncer-test-", user);
  const ini = path.join(dir, "pgbouncer.ini");
  const userlist = path.join(dir, "userlist.txt");
  const config = [
    "[databases]",
    `postgres = host=127.0.0.1 port=${options.server.port} dbname=postgres`,
    "",
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    // The server trusts loopback; pgbouncer still requires the user to be in the auth file.
    "auth_type = trust",
    `auth_file = ${userlist}`,
    `pool_mode = ${options.poolMode ?? "transaction"}`,
    `default_pool_size = ${options.defaultPoolSize ?? 4}`,
    "min_pool_size = 0",
    "reserve_pool_size = 0",
    "max_client_conn = 500",
    "max_db_connections = 0",
    "ignore_startup_parameters = extra_float_digits,options",
    `logfile = ${path.join(dir, "pgbouncer.log")}`,
    `pidfile = ${path.join(dir, "pgbouncer.pid")}`,
    "admin_users = postgres",
    "",
  ].join("\n");
  await writeFile(ini, config);
  await writeFile(userlist, '"postgres" ""\n');
  if (user.prefix.length > 0) {
    await chown(ini, user.uid, user.gid);
    await chown(userlist, user.uid, user.gid);
  }
  const child = spawnAs(user, binary, [ini]);
  const output = collectOutput(child);
  // SIGTERM is pgbouncer's immediate shutdown (SIGINT waits for clients to leave).
  const stop = stopper(child, "SIGTERM", dir);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitForSql(url, child, "pgbouncer", output);
  } catch (error) {
    child.kill("SIGKILL");
    await stop();
    throw error;
  }
  return { url, port, stop };
}
