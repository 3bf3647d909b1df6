/**
 * The start-up block: its curls work as pasted into a shell against a running app (with and
 * without API keys), JSON logs get only the listening line, and a real `npm start` on a terminal
 * logs readably at DEBUG and prints the block.
 */
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { KEY_PLACEHOLDER, startupBanner } from "../../../app/src/lib/banner.js";
import { startApp, tempDir, useDatabase } from "../helpers.js";

const run = promisify(execFile);
const APP_DIR = path.resolve(import.meta.dirname, "../../../app");

const curls = (banner: string) =>
  banner
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("curl "));

describe("startupBanner", () => {
  const db = useDatabase();
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const base = {
    address: "http://0.0.0.0:8000",
    database: "pglite at /x",
    metrics: "http://0.0.0.0:8000/metrics",
  };

  it("prints only the listening line for JSON logs", () => {
    const banner = startupBanner({ ...base, baseUrl: "http://localhost:8000", block: false });
    expect(banner).toBe(
      "mcp-backend listening on http://0.0.0.0:8000 (database: pglite at /x; metrics: http://0.0.0.0:8000/metrics)",
    );
  });

  it.each([
    ["without API keys", {}, undefined],
    ["with API keys", { API_KEYS: "banner-key-123:acme" }, "banner-key-123"],
  ])(
    "names the URLs and gives an ingest and a search curl that work as pasted (%s)",
    async (_n, env, key) => {
      app = await startApp(db.current.databases, { env: { RATE_LIMIT_PER_MINUTE: "0", ...env } });
      const address = await app.listen({ host: "127.0.0.1", port: 0 });
      const baseUrl = address.replace("127.0.0.1", "localhost");
      const banner = startupBanner({ ...base, baseUrl, block: true, apiKey: key });
      expect(banner).toContain(`${baseUrl}/docs`);
      expect(banner).toContain(`${baseUrl}/mcp`);
      const [ingest, search] = curls(banner);
      expect(curls(banner)).toHaveLength(2);
      const stored = JSON.parse((await run("sh", ["-c", ingest!])).stdout);
      expect(stored).toMatchObject({ conversation_id: "hello", messages: 2 });
      const found = JSON.parse((await run("sh", ["-c", search!])).stdout);
      expect(found.results[0]).toMatchObject({ conversation_id: "hello" });
      expect(found.results[0].text).toContain("Loki");
    },
  );

  it("never prints a key off a terminal: the curls use $API_KEY and say so", async () => {
    app = await startApp(db.current.databases, {
      env: { RATE_LIMIT_PER_MINUTE: "0", API_KEYS: "k-999:acme" },
    });
    const baseUrl = (await app.listen({ host: "127.0.0.1", port: 0 })).replace("127.0.0.1", "localhost");
    const banner = startupBanner({ ...base, baseUrl, block: true, apiKey: KEY_PLACEHOLDER });
    expect(banner).not.toContain("k-999");
    expect(banner).toContain("export API_KEY=");
    const [ingest] = curls(banner);
    const res = await run("sh", ["-c", ingest!], { env: { ...process.env, API_KEY: "k-999" } });
    expect(JSON.parse(res.stdout)).toMatchObject({ conversation_id: "hello" });
  });
});

describe("npm start on a terminal", () => {
  it("logs readably at DEBUG and prints the block; JSON when piped", { timeout: 90_000 }, async () => {
    const data = await tempDir();
    try {
      const start = (tty: boolean) =>
        new Promise<string>((resolve, reject) => {
          const command = "node --conditions=@mcp-stack/source --import tsx src/main.ts";
          // `script` gives the child a pseudo-terminal as stdout, like a person's shell.
          const child = tty
            ? spawn("script", ["-qfec", command, "/dev/null"], { cwd: APP_DIR, env: env(data.dir) })
            : spawn("sh", ["-c", command], { cwd: APP_DIR, env: env(data.dir) });
          let out = "";
          const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`no start-up block in time:\n${out}`));
          }, 80_000);
          let done = false;
          child.stdout.on("data", (d) => {
            out += d;
            // The block's last curl on a terminal; the listening line (after the log record) when piped.
            if (!done && (tty ? /curl .*\/v1\/search/ : /mcp-backend listening on/).test(out)) {
              done = true;
              clearTimeout(timer);
              // Stop the app itself (its pid is in every log line): `script` does not pass signals on.
              const pid = Number(/"pid":(\d+)|\((\d+)\):/.exec(out)?.slice(1).find(Boolean));
              child.once("exit", () => resolve(out));
              process.kill(pid, "SIGTERM");
            }
          });
          child.stderr.on("data", (d) => {
            out += d;
          });
        });
      const terminal = await start(true);
      // pino-pretty's form ("[time] INFO (pid): message"), and the level the config record reports.
      const plain = terminal.replaceAll(`${String.fromCharCode(27)}[`, "ESC[");
      expect(plain).toMatch(/^\[[^\]]+\] (ESC\[\d+m)?INFO/m);
      expect(terminal).toMatch(/"level": "debug"/);
      expect(terminal).not.toMatch(/^\{"level"/m);
      expect(terminal).toContain("/docs");
      expect(terminal).toMatch(/curl -s http:\/\/localhost:\d+\/v1\/conversations/);
      const piped = await start(false);
      expect(piped).toMatch(/^\{"level":30,/m);
      expect(piped).not.toContain("Store a conversation");
      expect(piped).toContain("mcp-backend listening on");
    } finally {
      await data.remove();
    }
  });
});

function env(dataDir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PORT: "0", DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: "0" };
  for (const name of ["LOG_LEVEL", "USE_JSON_LOGS", "API_KEYS", "DATABASE_URL", "METRICS_PORT"])
    delete e[name];
  return e;
}
