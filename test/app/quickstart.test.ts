/**
 * docs/quickstart.md cannot drift: every command block is taken from the markdown and run, in
 * order, against servers started by its own `npm start` lines (on free ports and temp data
 * directories instead of 8000/8001 and `.data/`). `curl`s run in a shell and their output must
 * have the shape of the `json output` block after them; the MCP client configurations and
 * `claude mcp add` lines are connected to with the SDK client (Claude Desktop's stdio bridge through
 * the real `mcp-remote` when MCP_REMOTE names its binary, else to the URL and header it is given); the
 * Inspector's CLI lines run the real Inspector when MCP_INSPECTOR names its binary, else the same
 * calls through the SDK client (neither is a dependency of this repo). Every `npx` line says `-y` and
 * pins its package's version.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../app/src/mcp/tools/index.js";
import { freePort } from "../helpers/redis-server.js";
import { tempDir } from "./helpers.js";
import { blocksOf, commandsOf, shape, wordsOf } from "./markdown-commands.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const DOC = readFileSync(path.join(REPO, "docs/quickstart.md"), "utf8");
const run = promisify(execFile);
/** `npx -y <package>@<exact version>`: on Node 20 an unpinned Inspector resolves to 0.15 (no --header). */
const PINNED_INSPECTOR = /^@modelcontextprotocol\/inspector@\d+\.\d+\.\d+$/;
const PINNED_BRIDGE = /^mcp-remote@\d+\.\d+\.\d+$/;

/** A client's server entry: remote HTTP, or a local command (Claude Desktop's stdio bridge). */
interface ServerEntry {
  type?: string;
  url?: string;
  headers?: Record<string, string>;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
}

/** The value `--tool-arg k=v` gives, as the Inspector reads it: JSON when it parses, else text. */
function argValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Server {
  child: ChildProcess;
  port: number;
}

describe("docs/quickstart.md", () => {
  const servers = new Map<string, Server>(); // by the port the doc uses
  const dirs: { remove(): Promise<void> }[] = [];
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    for (const { child } of servers.values()) {
      if (child.exitCode !== null || !child.pid) continue;
      // npm → sh → tsx → node: the whole group we started, until none of it is left.
      process.kill(-child.pid, "SIGTERM");
      await groupGone(child.pid);
    }
    await Promise.all(dirs.map((d) => d.remove()));
  });

  /** The doc's ports 8000/8001 → the servers' real ports. */
  const localize = (text: string) =>
    text.replace(/localhost:(\d{4})/g, (whole, port: string) => {
      const server = servers.get(port);
      return server ? `localhost:${server.port}` : whole;
    });

  const startServer = async (command: string) => {
    const docPort = /\bPORT=(\d+)/.exec(command)?.[1] ?? "8000";
    const port = await freePort();
    const data = await tempDir();
    dirs.push(data);
    const line = command
      .replace(/\bPORT=\d+/, `PORT=${port}`)
      .replace(/\bDATA_DIR=\S+/, `DATA_DIR=${data.dir}`);
    const child = spawn("sh", ["-c", line], {
      cwd: REPO,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: String(port), DATA_DIR: data.dir },
    });
    servers.set(docPort, { child, port });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${out}`)), 60_000);
      const onData = (d: Buffer) => {
        out += d;
        if (out.includes("mcp-backend listening on")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`${command} exited ${code}:\n${out}`)));
    });
  };

  const connect = async (url: string, headers: Record<string, string> = {}) => {
    const client = new Client({ name: "quickstart-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(localize(url)), { requestInit: { headers } }),
    );
    clients.push(client);
    return client;
  };

  const connectHttp = (entry: ServerEntry) => {
    expect(entry.type).toBe("http");
    return connect(entry.url!, entry.headers);
  };

  /**
   * Claude Desktop's entry: `npx -y mcp-remote@<version> <url> [--header Name:${VAR}]` with `env`. Run
   * for real when MCP_REMOTE names the bridge's binary; else connect to the URL with the header it sends.
   */
  const bridge = async (entry: ServerEntry) => {
    expect(entry.command).toBe("npx");
    const [yes, pkg, url, ...rest] = entry.args ?? [];
    expect(yes).toBe("-y");
    expect(pkg).toMatch(PINNED_BRIDGE);
    const expand = (text: string) =>
      text.replace(/\$\{(\w+)\}/g, (_w, name: string) => entry.env?.[name] ?? "");
    const headers = rest.flatMap((w, i) => (w === "--header" ? [expand(rest[i + 1]!)] : []));
    const real = process.env.MCP_REMOTE;
    if (real) {
      const client = new Client({ name: "quickstart-test", version: "1.0.0" });
      await client.connect(
        new StdioClientTransport({
          command: real,
          args: [localize(url!), ...rest.map(localize)],
          env: { ...(process.env as Record<string, string>), ...entry.env },
        }),
      );
      clients.push(client);
      return client;
    }
    return connect(url!, headersOf(headers));
  };

  const headersOf = (values: string[]) =>
    Object.fromEntries(
      values.map((h) => {
        const i = h.indexOf(":");
        return [h.slice(0, i).trim(), h.slice(i + 1).trim()];
      }),
    );

  /** The Inspector's CLI line: run it for real, or make the same call through the SDK client. */
  const inspector = async (command: string): Promise<unknown> => {
    const words = wordsOf(command);
    expect(words.slice(0, 2)).toEqual(["npx", "-y"]);
    expect(words[2]).toMatch(PINNED_INSPECTOR);
    expect(words[3]).toBe("--cli");
    const real = process.env.MCP_INSPECTOR;
    if (real) {
      const { stdout } = await run(real, words.slice(3).map(localize), { timeout: 60_000 });
      return JSON.parse(stdout);
    }
    const url = words[4]!;
    const option = (name: string) => words.flatMap((w, i) => (w === name ? [words[i + 1]!] : []));
    const client = await connect(url, headersOf(option("--header")));
    const [method] = option("--method");
    if (method === "tools/list") return client.listTools();
    expect(method).toBe("tools/call");
    const args = Object.fromEntries(
      option("--tool-arg").map((pair) => {
        const i = pair.indexOf("=");
        return [pair.slice(0, i), argValue(pair.slice(i + 1))];
      }),
    );
    return client.callTool({ name: option("--tool-name")[0]!, arguments: args });
  };

  it("gets from npm ci to an answer with citations in five commands, and every block runs", {
    timeout: 240_000,
  }, async () => {
    const blocks = blocksOf(DOC);
    const configs: string[] = [];
    const executed: { command: string; output?: unknown }[] = [];
    const toolCalls: { tool: string; result: { isError?: boolean; structuredContent?: unknown } }[] = [];
    let expectOutputFor: { command: string; output: unknown } | undefined;

    for (const block of blocks) {
      if (block.lang === "json" && block.tag === "output") {
        expect(expectOutputFor, "an output block follows a command").toBeDefined();
        const shown = JSON.parse(block.body.replaceAll("…", ""));
        expect(shape(expectOutputFor!.output), `output of ${expectOutputFor!.command}`).toEqual(shape(shown));
        expectOutputFor = undefined;
        continue;
      }
      if (block.lang === "json" && block.tag === "mcp-config") {
        const config = JSON.parse(block.body) as Record<string, Record<string, ServerEntry>>;
        const entries = Object.values(config.mcpServers ?? config.servers ?? {});
        expect(entries.length).toBe(1);
        for (const entry of entries) {
          const client = entry.command ? await bridge(entry) : await connectHttp(entry);
          const { tools } = await client.listTools();
          expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
          configs.push(entry.command ? "stdio" : "http");
        }
        continue;
      }
      if (block.lang !== "sh") continue;
      for (const command of commandsOf(block.body)) {
        if (command === "npm ci") {
          // This test runs inside an installed tree: reinstalling would swap node_modules under it.
          expect(executed, "npm ci comes first").toEqual([]);
          executed.push({ command });
        } else if (/^(\w+=\S+ )*npm start$/.test(command)) {
          await startServer(command);
          executed.push({ command });
        } else if (command.startsWith("curl ")) {
          const { stdout } = await run("sh", ["-c", localize(command)], { timeout: 30_000 });
          const output = JSON.parse(stdout);
          executed.push({ command, output });
          expectOutputFor = { command, output };
        } else if (command.startsWith("npx -y @modelcontextprotocol/inspector@")) {
          const result = (await inspector(command)) as { isError?: boolean; structuredContent?: unknown };
          expect(result.isError, command).toBeFalsy();
          const tool = /--tool-name (\w+)/.exec(command)?.[1] ?? "tools/list";
          toolCalls.push({ tool, result });
          executed.push({ command });
        } else if (command.startsWith("claude mcp add")) {
          // `claude` is not installed here: connect the way it will, to the URL with the headers.
          const words = wordsOf(command);
          const url = words.find((w) => w.startsWith("http://"))!;
          const headers = words.flatMap((w, i) => (w === "--header" ? [words[i + 1]!] : []));
          expect(words[words.indexOf("--transport") + 1]).toBe("http");
          const client = await connect(url, headersOf(headers));
          expect((await client.listTools()).tools).toHaveLength(TOOL_NAMES.length);
          executed.push({ command });
        } else {
          throw new Error(`the quickstart test does not know how to run: ${command}`);
        }
      }
    }
    expect(
      expectOutputFor,
      "a command whose output block is missing is fine; a dangling check is not",
    ).toBeUndefined();

    // Claude Desktop's stdio bridge beside the HTTP configurations (Claude Code, Cursor, VS Code).
    expect(configs).toContain("stdio");
    expect(configs).toContain("http");

    // The first five commands: install, start, ingest, search, answer — with citations.
    const five = executed.slice(0, 5);
    expect(five.map((e) => e.command.split(" ")[0])).toEqual(["npm", "npm", "curl", "curl", "curl"]);
    expect(five[2]!.output).toMatchObject({ conversation_id: "standup", messages: 2 });
    expect((five[3]!.output as { results: { conversation_id: string }[] }).results[0]!.conversation_id).toBe(
      "standup",
    );
    const answer = five[4]!.output as { answer: string; citations: { conversation_id: string }[] };
    expect(answer.answer).toMatch(/Priya.*\[1\]/);
    expect(answer.citations[0]!.conversation_id).toBe("standup");

    // The Inspector section calls every tool, and the calls did what the text says.
    expect(new Set(toolCalls.map((c) => c.tool))).toEqual(new Set(["tools/list", ...TOOL_NAMES]));
    const result = (tool: string) => toolCalls.find((c) => c.tool === tool)!.result.structuredContent;
    expect(result("ingest_conversation")).toMatchObject({ conversation_id: "retro" });
    // A new conversation and a prefix of the stored one (an exact re-send of what is there).
    expect(result("ingest_conversations")).toMatchObject({
      counts: { ingested: 1, unchanged: 1, failed: 0 },
    });
    expect(JSON.stringify(result("search_conversations"))).toContain('"conversation_id":"retro"');
    expect(result("delete_conversation")).toEqual({ id: "retro", deleted: true });
  });

  it("says what its failing-tool example says", async () => {
    // Uses the server the first test started on the doc's port 8000.
    const client = await connect("http://localhost:8000/mcp");
    const result = (await client.callTool({ name: "get_conversation", arguments: { id: "nope" } })) as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toContain("Conversation nope not found");
    expect(DOC).toContain("`Conversation nope not found`");
  });
});

/** Resolves once no process of the group is left (at most 15 s, then SIGKILL). */
async function groupGone(pgid: number): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    try {
      process.kill(-pgid, waited >= 15_000 ? "SIGKILL" : 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
