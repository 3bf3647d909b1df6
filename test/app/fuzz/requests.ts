/**
 * Fuzz inputs for every REST route and MCP tool (issue 15, point 1): near-valid values with any
 * field swapped for arbitrary JSON, unknown fields, raw bodies and path ids, and the one property
 * each answer must hold — no 5xx, and a 4xx names what it rejects. Shared by the seeded CI test
 * (`fuzz.test.ts`) and the long run (`scripts/reliability/`), which only asks for more cases.
 */
import { HTTP_PATHS } from "@mcp-stack/contract";
import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";

/** Strings the schemas accept, and ones they must reject (NUL, empty, lone surrogates). */
const word = fc.constantFrom("deploy", "pod", "cache", "vector", "backup", "ERR_PG_53300", "🙂", "naïve");
const sentence = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));
const anyText = fc.oneof(
  sentence,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("", "   ", "a\u0000b"),
);
const validId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/);
const anyId = fc.oneof(
  validId,
  fc.string({ maxLength: 220 }),
  fc.constantFrom("", " ", "../etc", "a/b", "%00"),
);
const validTimestamp = fc
  .date({ noInvalidDate: true, min: new Date("2000-01-01"), max: new Date("2100-01-01") })
  .map((d) => d.toISOString());
const anyTimestamp = fc.oneof(
  validTimestamp,
  fc.constantFrom("yesterday", "2025-13-01T00:00:00Z", "2025-01-01", ""),
);
const validRole = fc.constantFrom("user", "assistant", "system", "tool");
const anyRole = fc.oneof(validRole, fc.constantFrom("robot", "", "USER"));

/**
 * The request bodies in two flavours: `loose` swaps any field for anything at all (arbitrary JSON,
 * wrong types, NUL) and adds fields no schema knows; strict ones are valid, so the routes behind
 * validation (store, embedder, cache, answerer) get fuzzed too.
 */
function bodies(loose: boolean) {
  const maybe = <T>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<unknown> = valid): fc.Arbitrary<unknown> =>
    loose ? fc.oneof({ weight: 2, arbitrary: wrong }, fc.jsonValue(), fc.anything()) : valid;
  const extras = (object: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> =>
    loose
      ? fc
          .tuple(
            object,
            fc.dictionary(fc.constantFrom("tenant", "top_k", "name", "__proto__", "x"), fc.jsonValue(), {
              maxKeys: 2,
            }),
          )
          .map(([o, extra]) => ({ ...o, ...extra }))
      : object;
  const text = maybe(sentence, anyText);
  const filter = fc.record(
    {
      user_id: text,
      conversation_id: maybe(validId, anyId),
      since: maybe(validTimestamp, anyTimestamp),
      until: maybe(validTimestamp, anyTimestamp),
    },
    { requiredKeys: [] },
  );
  const message = fc.record(
    { role: maybe(validRole, anyRole), content: text, created_at: maybe(validTimestamp, anyTimestamp) },
    { requiredKeys: ["role", "content"] },
  );
  const id = maybe(validId, anyId);
  return {
    ingest: extras(
      fc.record(
        {
          id,
          title: text,
          user_id: text,
          metadata: maybe(
            fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.oneof(fc.integer(), sentence), {
              maxKeys: 3,
            }),
          ),
          messages: maybe(
            fc.array(message, { minLength: 1, maxLength: 6 }),
            fc.array(message, { maxLength: 6 }),
          ),
        },
        { requiredKeys: loose ? [] : ["messages"] },
      ),
    ),
    search: extras(
      fc.record(
        {
          query: text,
          k: maybe(fc.integer({ min: 1, max: 50 }), fc.integer({ min: -5, max: 60 })),
          mode: maybe(fc.constantFrom("hybrid", "semantic", "keyword"), fc.constantFrom("hybrid", "fuzzy")),
          filter: maybe(filter),
        },
        { requiredKeys: loose ? [] : ["query"] },
      ),
    ),
    answer: extras(
      fc.record(
        {
          question: text,
          k: maybe(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -5, max: 30 })),
          filter: maybe(filter),
        },
        { requiredKeys: loose ? [] : ["question"] },
      ),
    ),
    byId: extras(fc.record({ id }, { requiredKeys: loose ? [] : ["id"] })),
    list: extras(
      fc.record(
        {
          limit: maybe(fc.integer({ min: 1, max: 100 }), fc.integer({ min: -5, max: 200 })),
          cursor: maybe(fc.constant(undefined), fc.string()),
          user_id: text,
        },
        { requiredKeys: [] },
      ),
    ),
  };
}

const strict = bodies(false);
const loose = bodies(true);
const either = (pick: (b: ReturnType<typeof bodies>) => fc.Arbitrary<unknown>) =>
  fc.oneof(pick(strict), pick(loose));
export const ingestBody = either((b) => b.ingest);
export const searchBody = either((b) => b.search);
export const answerBody = either((b) => b.answer);
const byIdArgs = either((b) => b.byId);
/** A batch of ingest bodies, or anything at all in place of the list (empty, not an array). */
export const batchBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ conversations: fc.array(ingestBody, { minLength: 1, maxLength: 4 }) }),
  },
  fc.record({ conversations: fc.oneof(fc.constant([]), fc.jsonValue()) }, { requiredKeys: [] }),
);
const listArgs = either((b) => b.list);
const id = anyId;
const timestamp = anyTimestamp;
const listQuery = fc
  .dictionary(
    fc.constantFrom("limit", "cursor", "user_id", "since", "until", "tenant"),
    fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.string({ maxLength: 30 }), timestamp),
    { maxKeys: 4 },
  )
  .map((q) => new URLSearchParams(q).toString());

/** A body as the client sends it: JSON of the value, or raw text that may not be JSON at all. */
function rawOr(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? "null") },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: value.map((v) => (JSON.stringify(v) ?? "").slice(0, -1)) },
  );
}

const json = { "content-type": "application/json" };

/** One request to any REST route. */
export const restRequest: fc.Arbitrary<InjectOptions> = fc.oneof(
  rawOr(ingestBody).map((payload) => ({ method: "POST", url: "/v1/conversations", headers: json, payload })),
  rawOr(batchBody).map((payload) => ({
    method: "POST",
    url: "/v1/conversations/batch",
    headers: json,
    payload,
  })),
  rawOr(searchBody).map((payload) => ({ method: "POST", url: "/v1/search", headers: json, payload })),
  rawOr(answerBody).map((payload) => ({ method: "POST", url: "/v1/answer", headers: json, payload })),
  listQuery.map((q) => ({ method: "GET", url: `/v1/conversations?${q}` })),
  fc
    .tuple(fc.constantFrom("GET", "DELETE") as fc.Arbitrary<"GET" | "DELETE">, id)
    .map(([method, value]) => ({ method, url: `/v1/conversations/${encodeURIComponent(value)}` })),
  fc
    .constantFrom(HTTP_PATHS.live, HTTP_PATHS.ready, HTTP_PATHS.health)
    .map((url) => ({ method: "GET", url })),
);

/** The MCP tools and the argument arbitraries aimed at each. */
const TOOL_ARGS: [string, fc.Arbitrary<unknown>][] = [
  ["ingest_conversation", ingestBody],
  ["ingest_conversations", batchBody],
  ["search_conversations", searchBody],
  ["answer_question", answerBody],
  ["get_conversation", byIdArgs],
  ["delete_conversation", byIdArgs],
  ["list_conversations", listArgs],
];
export const TOOL_NAMES_FUZZED = TOOL_ARGS.map(([name]) => name);

/** One `tools/call` over the stateless MCP endpoint. */
export const mcpRequest: fc.Arbitrary<InjectOptions & { tool: string }> = fc
  .oneof(...TOOL_ARGS.map(([name, args]) => args.map((a) => ({ name, arguments: a }))))
  .map((params) => ({
    tool: params.name,
    method: "POST",
    url: HTTP_PATHS.mcp,
    headers: { ...json, accept: "application/json, text/event-stream" },
    payload: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params }),
  }));

/** Field paths a REST error may name, and the fixed words for errors about the body as a whole. */
const NAMES_FIELD =
  /\b(body|querystring|params)(\.[\w$-]+)*\b|\bmessages\.\d+\b|JSON|size limit|content type|not found/i;

/**
 * Why this REST answer breaks the property, or undefined: never 5xx; every 4xx is in the error
 * format with a code and a message naming the field (validation lists each issue with its path).
 */
export function restViolation(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return undefined;
  let body: { error?: { code?: string; message?: string; details?: { issues?: { path?: string }[] } } };
  try {
    body = res.json();
  } catch {
    return `${res.statusCode} without a JSON body: ${res.body.slice(0, 200)}`;
  }
  const error = body.error;
  if (!error?.code || !/^[A-Z_]+$/.test(error.code))
    return `${res.statusCode} without an error code: ${res.body}`;
  if (!error.message || !NAMES_FIELD.test(error.message))
    return `${res.statusCode} names no field: ${res.body}`;
  for (const issue of error.details?.issues ?? []) {
    if (!issue.path || !/^(body|querystring|params)/.test(issue.path))
      return `issue without a path: ${res.body}`;
  }
  return undefined;
}

/**
 * Why this MCP answer breaks the property: never 5xx or a JSON-RPC internal error (-32603); a tool
 * error names the argument ("… at <path>", `Unrecognized key`) or says what was not found.
 */
export function mcpViolation(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode}: ${res.body.slice(0, 300)}`;
  const body = res.json() as {
    error?: { code: number; message: string };
    result?: { isError?: boolean; content?: { text?: string }[] };
  };
  if (body.error) {
    if (body.error.code === -32603) return `internal error: ${res.body}`;
    return NAMES_FIELD.test(body.error.message) ? undefined : `JSON-RPC error names no field: ${res.body}`;
  }
  if (!body.result?.isError) return undefined;
  const text = body.result.content?.[0]?.text ?? "";
  if (/ at [\w.]+|Unrecognized keys?: "|not found|\bmessages\.\d+\b/.test(text)) return undefined;
  return `tool error names no field: ${text.slice(0, 300)}`;
}
