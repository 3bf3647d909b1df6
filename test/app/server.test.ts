import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddingMismatchError } from "../../app/src/db/migrations.js";
import { LocalEmbedder } from "../../app/src/embeddings/local-embedder.js";
import { buildApp } from "../../app/src/server.js";
import { CORPUS } from "./corpus.js";
import { openTestPglite, TEST_DIMENSIONS, tempDir, testConfig, testEmbedder } from "./helpers.js";

const APP_DIR = path.resolve(import.meta.dirname, "../../app");

/** Runs `src/main.ts` the way `npm start` does (cwd app/, tsx) and collects its output. */
function runMain(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ["--conditions=@mcp-stack/source", "--import", "tsx", "src/main.ts"],
    {
      cwd: APP_DIR,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`main exited early with ${code}: ${output}`)));
  });
  // Awaited by tests that expect a listening server; others only care about the exit.
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => output };
}

describe("restart", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("finds what it ingested after a restart on the same data directory, and exits 0 on SIGTERM", async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.remove);
    const env = { DATA_DIR: tmp.dir, EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS) };
    const first = await buildApp({ config: testConfig(env), embedder: testEmbedder() });
    const ingest = await first.inject({ method: "POST", url: "/v1/conversations", payload: CORPUS[3] });
    expect(ingest.statusCode).toBe(201);
    await first.close();

    // The second start is the real entry point, as `npm start` runs it.
    const run = runMain({ ...env, PORT: "0", LOG_LEVEL: "warning" });
    cleanups.push(async () => {
      run.child.kill("SIGKILL");
    });
    const address = (await run.listening).replace("0.0.0.0", "127.0.0.1");
    const res = await fetch(`${address}/v1/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "tram 28 in Lisbon" }),
    });
    expect(
      ((await res.json()) as { results: { conversation_id: string }[] }).results[0]?.conversation_id,
    ).toBe("lisbon");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("mcp-backend stopped");
  });

  it("refuses to start when the stored embeddings come from another provider or dimension", async () => {
    const db = await openTestPglite();
    cleanups.push(() => db.close());
    const attempt = buildApp({
      config: testConfig(),
      databases: { primary: db, replica: db },
      embedder: new LocalEmbedder(64),
    });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddingMismatchError);
    await expect(attempt).rejects.toThrow(/128-dimensional .*64-dimensional.*re-embed/);
  });

  it("stops at start-up on a bad variable, naming it", async () => {
    const run = runMain({ PORT: "eighty" });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("PORT");
  });
});
