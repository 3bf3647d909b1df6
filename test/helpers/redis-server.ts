/**
 * A real, throwaway `redis-server` for tests: its own port and temp dir, no persistence. Tests that
 * need Redis fail (never skip) when the binary is missing, naming the install line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const REDIS_INSTALL_HINT = "apt-get install -y redis-server";

export interface RedisServer {
  /** `redis://127.0.0.1:<port>/0` */
  url: string;
  port: number;
  /** SIGTERM and wait for exit (Redis shuts down cleanly). */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: an outage, not a shutdown. */
  kill(): Promise<void>;
}

function findRedisServer(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(`redis-server is not on PATH; install it with: ${REDIS_INSTALL_HINT}`);
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/** One raw PING; true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts redis-server on `port` (default: a free one) and resolves once it answers PING. */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(path.join(tmpdir(), "redis-test-"));
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited(child);
    await cleanup();
  };
  // Bounded by attempts, not by wall time: up to 200 × 25 ms.
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) break;
    if (await ping(port)) {
      return {
        url: `redis://127.0.0.1:${port}/0`,
        port,
        stop: () => signal("SIGTERM"),
        kill: () => signal("SIGKILL"),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await signal("SIGKILL");
  throw new Error(`redis-server did not answer PING on port ${port}: ${stderr.trim() || "no output"}`);
}
