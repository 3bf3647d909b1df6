/**
 * Fuzz inputs for every REST route and MCP tool (issue 15, point 1): near-valid values with any
 * field swapped for arbitrary JSON, unknown fields, raw bodies and path ids, objects nested past
 * any stack or wider than the limits, bytes that are not UTF-8 and other charsets, and the one property
 * each answer must hold — no 5xx, and a 4xx names what it rejects. Shared by the seeded CI test
 * (`fuzz.test.ts`) and the long run (`scripts/reliability/`), which only asks for more cases.
 */
import { isUtf8 } from "node:buffer";
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
 * Free-form-limit probes: objects and arrays nested past any stack (up to 20,000 levels, the
 * issue's 5,000 included) and objects with more keys than the limit allows. A deep value travels as
 * a marker string and is written out by {@link toText}: JSON.stringify itself overflows on it.
 */
const DEEP_MARK = /"@@deep:(object|array):(\d+)@@"/g;
const deepValue = fc
  .record({
    kind: fc.constantFrom("object", "array"),
    levels: fc.oneof(
      fc.integer({ min: 10, max: 40 }),
      fc.constantFrom(3000, 5000),
      fc.integer({ max: 20_000 }),
    ),
  })
  .map(({ kind, levels }) => `@@deep:${kind}:${Math.max(1, levels)}@@`);
const wideValue = fc
  .integer({ min: 900, max: 5000 })
  .map((keys) => Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])));
const deepOrWide = fc.oneof(deepValue, wideValue);

/** JSON text of a generated value, deep markers written out as the nesting they stand for. */
export function toText(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(DEEP_MARK, (_, kind: string, n: string) => {
    const levels = Number(n);
    return kind === "object"
      ? `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`
      : `${"[".repeat(levels)}${"]".repeat(levels)}`;
  });
}

/**
 * The request bodies in two flavours: `loose` swaps any field for anything at all (arbitrary JSON,
 * wrong types, NUL) and adds fields no schema knows; strict ones are valid, so the routes behind
 * validation (store, embedder, cache, answerer) get fuzzed too.
 */
function bodies(loose: boolean) {
  const maybe = <T>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<unknown> = valid): fc.Arbitrary<unknown> =>
    loose ? fc.oneof({ weight: 2, arbitrary: wrong }, fc.jsonValue(), fc.anything(), deepOrWide) : valid;
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
            fc.oneof(deepOrWide, fc.dictionary(fc.string({ maxLength: 8 }), deepOrWide, { maxKeys: 2 })),
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

/** Byte sequences that are not UTF-8: Latin-1, stray continuations, overlongs, surrogates, cut-off ones. */
const badBytes = fc.oneof(
  fc.constantFrom(
    [0xe9],
    [0x80],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82],
    [0xff],
  ),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((b) => [0xf8, ...b]),
);

/** The JSON text with a bad sequence spliced in at some byte (inside a string or not). */
function withBadBytes(text: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  return fc.tuple(text, badBytes, fc.nat()).map(([t, bytes, at]) => {
    const good = Buffer.from(t);
    const cut = good.length === 0 ? 0 : at % good.length;
    return Buffer.concat([good.subarray(0, cut), Buffer.from(bytes), good.subarray(cut)]);
  });
}

/** A body as the client sends it: JSON of the value, or raw text that may not be JSON at all. */
function rawOr(value: fc.Arbitrary<unknown>): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map(toText) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: value.map((v) => toText(v).slice(0, -1)) },
    { weight: 1, arbitrary: withBadBytes(value.map(toText)) },
  );
}

const json = { "content-type": "application/json" };

/** Content-Type of a JSON body: usually plain, sometimes with a charset, the wrong ones included. */
const jsonType = fc.oneof(
  { weight: 8, arbitrary: fc.constant(json) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("utf-8", "UTF8", '"utf-8"', "iso-8859-1", "latin1", "utf-16", "windows-1252", "")
      .map((charset) => ({ "content-type": `application/json; charset=${charset}` })),
  },
);

/** One request to any REST route. */
const post = (url: string, body: fc.Arbitrary<unknown>): fc.Arbitrary<InjectOptions> =>
  fc.tuple(rawOr(body), jsonType).map(([payload, headers]) => ({ method: "POST", url, headers, payload }));

export const restRequest: fc.Arbitrary<InjectOptions> = fc.oneof(
  post("/v1/conversations", ingestBody),
  post("/v1/conversations/batch", batchBody),
  post("/v1/search", searchBody),
  post("/v1/answer", answerBody),
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
  .tuple(
    fc.oneof(...TOOL_ARGS.map(([name, args]) => args.map((a) => ({ name, arguments: a })))),
    jsonType,
    // One call in eight has a bad byte in it: most still reach the tools.
    fc.nat(7).map((n) => n === 0),
  )
  .chain(([params, type, spoil]) => {
    const text = toText({ jsonrpc: "2.0", id: 1, method: "tools/call", params });
    return (spoil ? withBadBytes(fc.constant(text)) : fc.constant<string | Buffer>(text)).map((payload) => ({
      tool: params.name,
      method: "POST",
      url: HTTP_PATHS.mcp,
      headers: { ...type, accept: "application/json, text/event-stream" },
      payload,
    }));
  });

/** Which of the limit probes a request carries, for counting them (undefined: none). */
export function probeOf(request: InjectOptions): "deep" | "wide" | "not UTF-8" | "other charset" | undefined {
  const type = String((request.headers as Record<string, string> | undefined)?.["content-type"] ?? "");
  if (/charset=(?!"?utf-?8"?$)/i.test(type)) return "other charset";
  const payload = request.payload;
  if (Buffer.isBuffer(payload)) return isUtf8(payload) ? undefined : "not UTF-8";
  if (typeof payload !== "string") return undefined;
  if (/(\{"a":){17}|\[{17}/.test(payload)) return "deep";
  if ((payload.match(/"k\d+":/g)?.length ?? 0) > 1000) return "wide";
  return undefined;
}

/** Field paths a REST error may name, and the fixed words for errors about the body as a whole. */
const NAMES_FIELD =
  /\b(body|querystring|params)(\.[\w$-]+)*\b|\bmessages\.\d+\b|JSON|size limit|content.type|not found/i;

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
