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
import {
  exposureWarning,
  KEY_PLACEHOLDER,
  listeningUrls,
  startupBanner,
} from "../../../app/src/lib/banner.js";
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
    addresses: ["http://127.0.0.1:8000", "http://10.1.2.3:8000"],
    authRequired: false,
    database: "pglite at /x",
    metrics: "http://127.0.0.1:8000/metrics",
  };

  it("prints only the listening line for JSON logs: every address and whether a key is needed", () => {
    const banner = startupBanner({ ...base, baseUrl: "http://localhost:8000", block: false });
    expect(banner).toBe(
      "mcp-backend listening on http://127.0.0.1:8000 (and http://10.1.2.3:8000); no API key required",
    );
    const keyed = startupBanner({
      ...base,
      authRequired: true,
      baseUrl: "http://localhost:8000",
      block: false,
    });
    expect(keyed).toMatch(/; API key required$/);
  });

  it("ends the block with the listening line, after the dashboard and docs links", () => {
    const lines = startupBanner({ ...base, baseUrl: "http://localhost:8000", block: true }).split("\n");
    expect(lines.at(-1)).toMatch(
      /^mcp-backend listening on http:\/\/127\.0\.0\.1:8000 \(and http:\/\/10\.1\.2\.3:8000\)/,
    );
    expect(lines.filter((l) => l.includes("listening"))).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(/Dashboard +http:\/\/localhost:8000\/$/));
    expect(lines).toContainEqual(expect.stringMatching(/API docs +http:\/\/localhost:8000\/docs/));
  });

  it("names each interface's address for a wildcard listener, loopback first", () => {
    const nic = (address: string, internal: boolean, family: "IPv4" | "IPv6" = "IPv4") => ({
      address,
      internal,
      family,
      netmask: "",
      mac: "",
      cidr: null,
      scopeid: 0,
    });
    const interfaces = {
      eth0: [nic("10.1.2.3", false), nic("fe80::1", false, "IPv6")],
      lo: [nic("127.0.0.1", true), nic("::1", true, "IPv6")],
    };
    expect(listeningUrls("0.0.0.0", 8000, interfaces)).toEqual([
      "http://127.0.0.1:8000",
      "http://10.1.2.3:8000",
    ]);
    expect(listeningUrls("127.0.0.1", 8000, interfaces)).toEqual(["http://127.0.0.1:8000"]);
    expect(listeningUrls("0.0.0.0", 8000, {})).toEqual(["http://0.0.0.0:8000"]);
  });

  it("warns when other hosts can reach it without a key, and only then", () => {
    expect(exposureWarning(base.addresses, false)).toContain("http://10.1.2.3:8000");
    expect(exposureWarning(base.addresses, false)).toContain("API_KEYS");
    expect(exposureWarning(base.addresses, true)).toBeUndefined();
    expect(exposureWarning(["http://127.0.0.1:8000"], false)).toBeUndefined();
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
  it("logs readably at DEBUG, one line per record and per request, the listening line last; JSON when piped", {
    timeout: 90_000,
  }, async () => {
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
          let stopping = false;
          child.stdout.on("data", (d) => {
            out += d;
            // The listening line comes last; then one request, whose log line is awaited.
            const listening = /mcp-backend listening on (http:\/\/\S+)/.exec(out);
            if (!done && listening) {
              done = true;
              void fetch(`${listening[1]}/v1/conversations`);
            }
            if (
              done &&
              !stopping &&
              / \/v1\/conversations 200|"url":"\/v1\/conversations"[\s\S]*"statusCode":200/.test(out)
            ) {
              stopping = true;
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
      expect(terminal).not.toMatch(/^\{"level"/m);
      expect(terminal).toContain("/docs");
      expect(terminal).toMatch(/curl -s http:\/\/localhost:\d+\/v1\/conversations/);
      // The configuration is one DEBUG record, on one line, and the block is last before the request.
      const lines = terminal
        .replaceAll("\r", "")
        .replaceAll(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g"), "")
        .split("\n");
      const config = lines.filter((l) => l.includes("configuration"));
      expect(config).toEqual([expect.stringMatching(/DEBUG.*configuration \{"config":\{.*"level":"debug"/)]);
      expect(lines.filter((l) => /listening/i.test(l))).toEqual([
        expect.stringMatching(/^mcp-backend listening on http:\/\/127\.0\.0\.1:\d+.*; no API key required$/),
      ]);
      const listeningAt = lines.findIndex((l) => l.startsWith("mcp-backend listening on"));
      const requestLines = lines.slice(listeningAt + 1).filter((l) => l.includes("/v1/conversations"));
      expect(requestLines).toEqual([expect.stringMatching(/INFO.*GET \/v1\/conversations 200 \d+ ms/)]);
      expect(terminal).not.toContain("incoming request");
      // Before the block: the configuration and tracing records, and the warning (other hosts, no key).
      expect(
        lines
          .slice(
            0,
            lines.findIndex((l) => l.startsWith("Store a conversation")),
          )
          .filter((l) => l.trim()).length,
      ).toBeLessThanOrEqual(6);
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
