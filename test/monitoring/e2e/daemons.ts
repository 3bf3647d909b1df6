/**
 * The monitoring side of the end-to-end suite as real Debian processes on loopback: Prometheus,
 * Alertmanager, redis_exporter and postgres_exporter, each on a free port with its files in a temp
 * dir. Every process started here is registered with a {@link Processes} so that one `stopAll()` in
 * afterAll ends them, whatever failed before; a missing binary fails (never skips) with its install line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../helpers/redis-server.js";
import { requireTool } from "../tools.js";

export interface Daemon {
  name: string;
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The tail of its stdout + stderr. */
  log(): string;
  /** SIGKILL and wait for exit: an outage, not a shutdown. */
  kill(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Everything the suite started: processes to kill and temp dirs to remove, in reverse order. */
export class Processes {
  private readonly stops: (() => Promise<void>)[] = [];
  private readonly children = new Set<ChildProcess>();
  /** Last resort if the test process exits without afterAll (a crash, a killed worker): SIGKILL. */
  private readonly onExit = () => {
    for (const child of this.children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };

  constructor() {
    process.once("exit", this.onExit);
  }

  /** Registers a child to be SIGKILLed should this process exit before stopAll. */
  track(child: ChildProcess): void {
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
  }

  /** Registers a clean-up step (run last-registered first). */
  add(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    this.add(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Runs every clean-up step, even when some throw; rethrows the first error. */
  async stopAll(): Promise<void> {
    let first: unknown;
    for (const stop of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        first ??= error;
      }
    }
    process.removeListener("exit", this.onExit);
    if (first !== undefined) throw first;
  }

  /**
   * Spawns `command` and resolves once `GET <url><readyPath>` answers 200. Bounded by attempts (up to
   * 300 × 50 ms), not wall time; the process is killed at stopAll.
   */
  async daemon(
    name: string,
    command: string,
    args: (port: number) => string[],
    options: { env?: Record<string, string>; readyPath: string; pkg: string },
  ): Promise<Daemon> {
    requireTool(command, options.pkg);
    const port = await freePort();
    const child = spawn(command, args(port), {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.track(child);
    let out = "";
    const add = (d: Buffer) => {
      out = (out + d.toString()).slice(-8000);
    };
    child.stdout?.on("data", add);
    child.stderr?.on("data", add);
    const kill = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited(child);
    };
    this.add(kill);
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 300; attempt++) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      try {
        const res = await fetch(`${url}${options.readyPath}`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return { name, child, url, port, log: () => out, kill };
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await kill();
    throw new Error(`${name} (${command}) did not become ready on ${url}${options.readyPath}:\n${out}`);
  }
}

/** prometheus with `configFile`, its TSDB in a temp dir; `resendDelay` as compressed as the rules. */
export function startPrometheus(p: Processes, configFile: string, resendDelay: string): Promise<Daemon> {
  const data = p.tempDir("e2e-prometheus-data");
  return p.daemon(
    "prometheus",
    "prometheus",
    (port) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--rules.alert.resend-delay=${resendDelay}`,
      "--log.level=warn",
    ],
    { readyPath: "/-/ready", pkg: "prometheus" },
  );
}

/** prometheus-alertmanager with `configFile`, no cluster (no gossip port), data in a temp dir. */
export function startAlertmanager(p: Processes, configFile: string): Promise<Daemon> {
  const data = p.tempDir("e2e-alertmanager-data");
  return p.daemon(
    "alertmanager",
    "prometheus-alertmanager",
    (port) => [
      `--config.file=${configFile}`,
      `--storage.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { readyPath: "/-/ready", pkg: "prometheus-alertmanager" },
  );
}

/** Debian's redis_exporter against `redisUrl`. */
export function startRedisExporter(p: Processes, redisUrl: string): Promise<Daemon> {
  return p.daemon(
    "redis_exporter",
    "prometheus-redis-exporter",
    (port) => [`--redis.addr=${redisUrl}`, `--web.listen-address=127.0.0.1:${port}`],
    { readyPath: "/metrics", pkg: "prometheus-redis-exporter" },
  );
}

/** Debian's postgres_exporter against `dataSource` (a libpq URL). */
export function startPostgresExporter(p: Processes, dataSource: string): Promise<Daemon> {
  return p.daemon(
    "postgres_exporter",
    "prometheus-postgres-exporter",
    (port) => [`--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { env: { DATA_SOURCE_NAME: dataSource }, readyPath: "/metrics", pkg: "prometheus-postgres-exporter" },
  );
}
