/**
 * The `tools/list` answer, compact. The SDK publishes each tool's zod schemas as converted, which
 * carries what a client's model gains nothing from: the schemas' `examples` (the OpenAPI document's),
 * `$schema` on every tool, ±2^53 bounds on every integer, and output field descriptions that repeat the
 * tool's own description. This lists the same tools from the same
 * schemas without them (about half the bytes; test/app/mcp/tools/catalogue.test.ts holds the budget).
 * Only ever looser than the SDK's schemas, so what validated against those validates against these.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { type ZodType, z } from "zod";

/** What a tool is registered with, as far as `tools/list` shows it. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: Tool["annotations"];
}

/** `server` whose registerTool also records each definition into `into`. */
export function recordingTools(server: McpServer, into: ToolDefinition[]): McpServer {
  const recorder = Object.create(server) as McpServer;
  recorder.registerTool = ((name: string, config: Omit<ToolDefinition, "name">, callback: never) => {
    into.push({ name, ...config });
    return server.registerTool(name, config as never, callback);
  }) as McpServer["registerTool"];
  return recorder;
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Drops examples, `$schema` and the integer bounds zod adds to every `.int()`; in an output schema also
 * the field descriptions (the tool's description says what it returns) and `additionalProperties`.
 */
function strip(node: unknown, io: "input" | "output"): unknown {
  if (Array.isArray(node)) return node.map((n) => strip(n, io));
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "examples") continue;
    if (key === "minimum" && value === -SAFE) continue;
    if (key === "maximum" && value === SAFE) continue;
    if (io === "output" && (key === "description" || key === "additionalProperties")) continue;
    // `properties` maps field names to schemas: a field called "description" is kept.
    out[key] =
      key === "properties" && typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([name, v]) => [name, strip(v, io)]))
        : strip(value, io);
  }
  return out;
}

const jsonSchema = (schema: unknown, io: "input" | "output") =>
  strip(z.toJSONSchema(schema as ZodType, { target: "draft-7", io }), io) as Tool["inputSchema"];

let listed: Tool[] | undefined;

/** The tools of `definitions`, compact; computed once (every request registers the same tools). */
export function compactToolList(definitions: readonly ToolDefinition[]): Tool[] {
  listed ??= definitions.map((d) => ({
    name: d.name,
    ...(d.title ? { title: d.title } : {}),
    ...(d.description ? { description: d.description } : {}),
    inputSchema: d.inputSchema ? jsonSchema(d.inputSchema, "input") : { type: "object" },
    ...(d.outputSchema ? { outputSchema: jsonSchema(d.outputSchema, "output") } : {}),
    ...(d.annotations ? { annotations: d.annotations } : {}),
  }));
  return listed;
}

/** Answer `tools/list` with {@link compactToolList} instead of the SDK's own listing. */
export function listToolsCompactly(server: McpServer, definitions: readonly ToolDefinition[]): void {
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: compactToolList(definitions) }));
}
