/**
 * The real entry point (`app/src/main.ts`) as a child process, the way the image runs it
 * (`node --import tsx`), against a Postgres-over-the-wire database this test process serves from a
 * migrated PGlite (pglite-socket): start-up in about a second instead of an initdb per test.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type ClientRequest, request } from "node:http";
import path from "node:path";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { ENV, HTTP_PATHS } from "@mcp-stack/contract";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { freePort } from "../../helpers/redis-server.js";
import { openTestPglite, TEST_DIMENSIONS } from "../helpers.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const MAIN = path.join(REPO, "app/src/main.ts");

export interface WireDatabase {
  db: PgliteDatabase;
  /** `postgres://<user>:<password>@127.0.0.1:<port>/postgres` (pglite-socket accepts any password). */
  url(user?: string, password?: string): string;
  stop(): Promise<void>;
}

/**
 * A migrated PGlite served over the Postgres protocol to at most `maxConnections` clients, on `port`
 * (default: any free one); `empty`: a new PGlite the app must migrate itself.
 */
export async function serveDatabase(
  maxConnections: number,
  options: { port?: number; empty?: boolean } = {},
): Promise<WireDatabase> {
  const db = options.empty ? await PgliteDatabase.open() : await openTestPglite();
  const port = options.port ?? 0;
  const server = new PGLiteSocketServer({ db: db.pglite, host: "127.0.0.1", port, maxConnections });
  await server.start();
  const conn = server.getServerConn();
  let stopped = false;
  return {
    db,
    url: (user = "postgres", password = "") =>
      `postgres://${user}${password ? `:${encodeURIComponent(password)}` : ""}@${conn}/postgres`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

export interface ChildApp {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** With `{ metricsPort: true }`: `http://127.0.0.1:<METRICS_PORT>`. */
  metricsUrl?: string;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once `count` processes printed their listening line. */
  listening(count?: number): Promise<void>;
  /** SIGKILL if still running (test clean-up). */
  kill(): void;
}

/** The app's variables every child gets: the test database's embedding spec, no rate limit. */
export function baseEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: "1",
    DB_MAX_OVERFLOW: "0",
    EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
    RATE_LIMIT_PER_MINUTE: "0",
    LOG_LEVEL: "info",
  };
}

/** `metricsPort: true` also sets METRICS_PORT to a second free port, distinct from PORT. */
export async function startChildApp(
  env: Record<string, string>,
  options: { metricsPort?: boolean } = {},
): Promise<ChildApp> {
  const port = await freePort();
  let metricsPort: number | undefined;
  while (options.metricsPort && (metricsPort === undefined || metricsPort === port)) {
    metricsPort = await freePort();
  }
  const ports: Record<string, string> = { [ENV.PORT]: String(port) };
  if (metricsPort !== undefined) ports[ENV.METRICS_PORT] = String(metricsPort);
  // Only what the app needs from the parent: no inherited app variables.
  const child = spawn(process.execPath, ["--conditions=@mcp-stack/source", "--import", "tsx", MAIN], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...ports, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: { count: number; resolve(): void }[] = [];
  const check = () => {
    const n = out.split("mcp-backend listening on").length - 1;
    for (const w of waiters.splice(0)) n >= w.count ? w.resolve() : waiters.push(w);
  };
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString("utf8");
    check();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    metricsUrl: metricsPort === undefined ? undefined : `http://127.0.0.1:${metricsPort}`,
    output: () => out,
    exited,
    listening: (count = 1) =>
      Promise.race([
        new Promise<void>((resolve) => {
          waiters.push({ count, resolve });
          check();
        }),
        exited.then((code) => {
          throw new Error(`the app exited (${code}) before listening:\n${out}`);
        }),
      ]),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection (no keep-alive), so each one is a new accept. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A request whose headers the server has accepted (100 Continue) and whose body is not sent yet. */
export interface HeldRequest {
  send(): Promise<{ status: number; body: string }>;
}

export function holdRequest(url: string, body: string): Promise<HeldRequest> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      req = request(
        url,
        {
          method: "POST",
          agent: false,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            expect: "100-continue",
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            text += d;
          });
          res.on("end", () => done({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", fail);
      // The server sends 100 Continue once it has parsed the headers: the request is now in flight.
      req.on("continue", () =>
        resolve({
          send: () => {
            req.end(body);
            return response;
          },
        }),
      );
    });
    response.catch(reject);
    req!.flushHeaders();
  });
}

/**
 * The real entry point with WORKERS=2 on a wire database with a connection per worker plus a spare
 * (DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0 in baseEnv), listening on both workers. `stop` ends both.
 */
export async function startTwoWorkers(
  options?: Parameters<typeof startChildApp>[1],
): Promise<{ database: WireDatabase; app: ChildApp; stop: () => Promise<void> }> {
  const database = await serveDatabase(3);
  const app = await startChildApp({ ...baseEnv(database.url()), WORKERS: "2" }, options);
  await app.listening(2);
  return {
    database,
    app,
    stop: async () => {
      app.kill();
      await database.stop();
    },
  };
}

/** The worker ids that answered `count` liveness probes; any probe that is not a 200 throws. */
export async function workersAnswering(app: ChildApp, count: number): Promise<Set<string>> {
  const workers = new Set<string>();
  for (let i = 0; i < count; i++) {
    const res = await httpRequest(`${app.baseUrl}${HTTP_PATHS.live}`);
    if (res.status !== 200) throw new Error(`${HTTP_PATHS.live} answered ${res.status}`);
    workers.add(String(res.headers["x-worker-id"]));
  }
  return workers;
}
