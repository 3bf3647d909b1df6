/**
 * Plumbing for `npm run test:reliability`: figures collected per section and turned into
 * docs/reliability.md, the machine they were measured on, a database in its own process, and
 * closed-loop clients that count every request that did not succeed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../helpers/redis-server.js";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const FIGURES_DIR = path.join(os.tmpdir(), "mcp-reliability-figures");

export interface Figure {
  /** What was measured, in a few words. */
  name: string;
  /** The figure itself, e.g. `1 234 req/s, p50 12 ms, p99 80 ms, max 1.2 s, 0 errors`. */
  value: string;
  /** How it was produced (the part of the command, parameters). */
  how: string;
  /** One-minute load average when it was taken (the CPU is shared). */
  load: string;
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

/** Appends figures to this section's file; `write-doc.ts` gathers every section. */
export async function record(section: string, figures: Omit<Figure, "load">[]): Promise<void> {
  await mkdir(FIGURES_DIR, { recursive: true });
  const file = path.join(FIGURES_DIR, `${section}.json`);
  const previous: Figure[] = JSON.parse(await readFile(file, "utf8").catch(() => "[]"));
  const load = loadAverage();
  await writeFile(file, JSON.stringify([...previous, ...figures.map((f) => ({ ...f, load }))], null, 2));
}

export async function readFigures(): Promise<Map<string, Figure[]>> {
  const sections = new Map<string, Figure[]>();
  const files = (await readdir(FIGURES_DIR).catch(() => [])).filter((f) => f.endsWith(".json")).sort();
  for (const file of files) {
    sections.set(
      file.replace(/\.json$/, ""),
      JSON.parse(await readFile(path.join(FIGURES_DIR, file), "utf8")),
    );
  }
  return sections;
}

export interface DatabaseProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** SIGKILL and wait: an outage. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/** `serve-pglite.ts` on `port` (a free one by default) over `dataDir`. */
export async function startDatabaseProcess(
  dataDir: string,
  port?: number,
  maxConnections = 4,
): Promise<DatabaseProcess> {
  const p = port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      "--conditions=@mcp-stack/source",
      "--import",
      "tsx",
      path.join(import.meta.dirname, "serve-pglite.ts"),
      dataDir,
      String(p),
      String(maxConnections),
    ],
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(`serving ${p}`)) resolve();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("exit", (code) => reject(new Error(`serve-pglite exited (${code}):\n${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    port: p,
    url: `postgres://postgres@127.0.0.1:${p}/postgres`,
    child,
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface LoadTally {
  ok: number;
  failed: number;
  /** The first few failures, as `status body` or the error code. */
  samples: string[];
  /** Requests started and not finished right now. */
  inFlight: number;
}

/**
 * `concurrency` clients, each sending the next request as soon as the previous one answered, until
 * `stop()` is called; a request that does not answer 2xx (or fails) counts as failed.
 */
export function closedLoop(
  baseUrl: () => string,
  concurrency: number,
  next: (i: number) => { method: string; path: string; body?: unknown },
): { tally: LoadTally; stop(): Promise<void> } {
  const tally: LoadTally = { ok: 0, failed: 0, samples: [], inFlight: 0 };
  let stopped = false;
  let n = 0;
  const client = async () => {
    while (!stopped) {
      const request = next(n++);
      tally.inFlight++;
      try {
        const res = await fetch(`${baseUrl()}${request.path}`, {
          method: request.method,
          headers: request.body === undefined ? undefined : { "content-type": "application/json" },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
        });
        const text = await res.text();
        if (res.ok) tally.ok++;
        else {
          tally.failed++;
          if (tally.samples.length < 5) tally.samples.push(`${res.status} ${text.slice(0, 200)}`);
        }
      } catch (error) {
        tally.failed++;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        if (tally.samples.length < 5) tally.samples.push(cause?.code ?? cause?.message ?? String(error));
      } finally {
        tally.inFlight--;
      }
    }
  };
  const clients = Array.from({ length: concurrency }, client);
  return {
    tally,
    stop: async () => {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** TcpExt ListenOverflows and ListenDrops: connections the kernel dropped because an accept queue was full. */
export async function listenDrops(): Promise<{ overflows: number; drops: number }> {
  const text = await readFile("/proc/net/netstat", "utf8").catch(() => "");
  const lines = text.split("\n").filter((l) => l.startsWith("TcpExt:"));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const get = (name: string) => Number(values[names.indexOf(name)] ?? 0);
  return { overflows: get("ListenOverflows"), drops: get("ListenDrops") };
}
