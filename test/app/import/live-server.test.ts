/**
 * `npm run import` while the server owns the embedded data folder (issue 22): the import finds the
 * server in the folder's lock and posts its batches there, so the running server serves the rows at
 * once; what needs the folder itself (--defer-index, npm run reembed) is refused, naming the server.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS } from "../corpus.js";
import { TEST_DIMENSIONS, tempDir } from "../helpers.js";
import { type ChildApp, startChildApp } from "../lifecycle/child-app.js";

const REPO = path.resolve(import.meta.dirname, "../../..");

function cli(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@mcp-stack/source", "--import", "tsx", path.join(REPO, script), ...args],
      {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run import into a running server's data folder", () => {
  let work: { dir: string; remove(): Promise<void> };
  let server: ChildApp;
  let env: Record<string, string>;
  let file: string;
  beforeAll(async () => {
    work = await tempDir();
    env = {
      DATA_DIR: path.join(work.dir, "data"),
      EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
      RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "warn",
    };
    file = path.join(work.dir, "conversations.ndjson");
    await writeFile(
      file,
      `${CORPUS.slice(0, 3)
        .map((c) => JSON.stringify(c))
        .join("\n")}\n`,
    );
    server = await startChildApp(env);
    await server.listening();
  }, 180_000);
  afterAll(async () => {
    server?.kill();
    await server?.exited;
    await work?.remove();
  });

  it("records the server's URL in the folder's lock", async () => {
    const lock = JSON.parse(await readFile(path.join(env.DATA_DIR ?? "", "owner.lock"), "utf8"));
    expect(lock).toMatchObject({ pid: server.child.pid, url: `http://127.0.0.1:${server.port}` });
  });

  it("sends the batches to the server, which serves the rows at once", { timeout: 120_000 }, async () => {
    const run = await cli("app/src/cli/import.ts", [file, "--batch-size", "2"], env);
    expect(run.stderr).toContain(
      `sending batches to the server at http://127.0.0.1:${server.port} (it owns ${env.DATA_DIR} (pid ${server.child.pid}))`,
    );
    expect(run.stdout).toMatch(/^imported 3 lines in [\d.]+ s: 3 ingested, 0 unchanged, 0 failed$/m);
    expect(run.code).toBe(0);
    for (const c of CORPUS.slice(0, 3)) {
      const res = await fetch(`${server.baseUrl}/v1/conversations/${c.id}`);
      expect(res.status, c.id).toBe(200);
      expect(((await res.json()) as { messages: unknown[] }).messages).toHaveLength(c.messages.length);
    }
  });

  it("sends to the server --url names, whatever DATA_DIR says (re-sends change nothing)", {
    timeout: 120_000,
  }, async () => {
    const elsewhere = { ...env, DATA_DIR: path.join(work.dir, "untouched") };
    const run = await cli("app/src/cli/import.ts", [file, "--url", server.baseUrl], elsewhere);
    expect(run.stderr).toContain(`sending batches to the server at ${server.baseUrl} (--url)`);
    expect(run.stdout).toMatch(/^imported 3 lines in [\d.]+ s: 0 ingested, 3 unchanged, 0 failed$/m);
    expect(run.code).toBe(0);
    expect(existsSync(elsewhere.DATA_DIR)).toBe(false);
  });

  it("refuses --defer-index, which needs the folder itself, naming the server", {
    timeout: 120_000,
  }, async () => {
    const run = await cli("app/src/cli/import.ts", [file, "--defer-index"], env);
    expect(run.stderr).toContain(
      `--defer-index rebuilds the vector index in this process, which a server at http://127.0.0.1:${server.port}`,
    );
    expect(run.stderr).toContain("drop --defer-index, or stop the server first");
    expect(run.code).toBe(2);
  });

  it("refuses npm run reembed with the server's pid, command, URL and what to do", {
    timeout: 120_000,
  }, async () => {
    const run = await cli("app/src/cli/reembed.ts", [], env);
    expect(run.stderr).toContain(`The data folder ${env.DATA_DIR} is in use by another process:`);
    expect(run.stderr).toMatch(new RegExp(`pid ${server.child.pid}, started [^:]+:[^\\n]*app/src/main\\.ts`));
    expect(run.stderr).toContain(`a server listening on http://127.0.0.1:${server.port}`);
    expect(run.stderr).toContain(`kill -TERM ${server.child.pid}`);
    expect(run.code).toBe(1);
  });
});
