/**
 * Bad input on every route: malformed JSON, wrong types, empty and oversized values, unknown
 * fields. Each must answer 4xx (never 500) with a message naming the problem.
 */
import { describe, expect, it } from "vitest";
import { useApp } from "../helpers.js";

type Case = [
  name: string,
  method: "POST" | "GET" | "DELETE",
  url: string,
  payload: unknown,
  status: number,
  names: string,
];

const msg = (content: unknown = "hi", role: unknown = "user") => ({ role, content });
const long = (n: number) => "x".repeat(n);

const CASES: Case[] = [
  // Malformed JSON
  ["ingest: malformed JSON", "POST", "/v1/conversations", '{"messages": [', 400, "JSON"],
  ["search: malformed JSON", "POST", "/v1/search", '{"query":', 400, "JSON"],
  ["answer: malformed JSON", "POST", "/v1/answer", "{question: unquoted}", 400, "JSON"],
  ["search: no body", "POST", "/v1/search", undefined, 400, "body"],
  // Wrong types
  ["ingest: messages not an array", "POST", "/v1/conversations", { messages: "hello" }, 400, "body.messages"],
  [
    "ingest: unknown role",
    "POST",
    "/v1/conversations",
    { messages: [msg("hi", "robot")] },
    400,
    "body.messages.0.role",
  ],
  [
    "ingest: content a number",
    "POST",
    "/v1/conversations",
    { messages: [msg(42)] },
    400,
    "body.messages.0.content",
  ],
  [
    "ingest: metadata an array",
    "POST",
    "/v1/conversations",
    { messages: [msg()], metadata: [1] },
    400,
    "body.metadata",
  ],
  [
    "ingest: bad created_at",
    "POST",
    "/v1/conversations",
    { messages: [{ ...msg(), created_at: "yesterday" }] },
    400,
    "body.messages.0.created_at",
  ],
  ["ingest: body an array", "POST", "/v1/conversations", [msg()], 400, "body"],
  ["search: query a number", "POST", "/v1/search", { query: 5 }, 400, "body.query"],
  ["search: k a string", "POST", "/v1/search", { query: "x", k: "ten" }, 400, "body.k"],
  ["search: k fractional", "POST", "/v1/search", { query: "x", k: 2.5 }, 400, "body.k"],
  ["search: unknown mode", "POST", "/v1/search", { query: "x", mode: "fuzzy" }, 400, "body.mode"],
  [
    "search: bad since",
    "POST",
    "/v1/search",
    { query: "x", filter: { since: "last week" } },
    400,
    "body.filter.since",
  ],
  ["answer: question a boolean", "POST", "/v1/answer", { question: true }, 400, "body.question"],
  ["answer: filter a string", "POST", "/v1/answer", { question: "q", filter: "all" }, 400, "body.filter"],
  // Empty values
  ["ingest: no messages", "POST", "/v1/conversations", { messages: [] }, 400, "body.messages"],
  [
    "ingest: empty content",
    "POST",
    "/v1/conversations",
    { messages: [msg("")] },
    400,
    "body.messages.0.content",
  ],
  ["ingest: empty id", "POST", "/v1/conversations", { id: "", messages: [msg()] }, 400, "body.id"],
  ["ingest: missing messages", "POST", "/v1/conversations", { title: "t" }, 400, "body.messages"],
  ["search: empty query", "POST", "/v1/search", { query: "" }, 400, "body.query"],
  ["search: blank query", "POST", "/v1/search", { query: "   " }, 400, "body.query"],
  ["answer: empty question", "POST", "/v1/answer", { question: "" }, 400, "body.question"],
  ["answer: k zero", "POST", "/v1/answer", { question: "q", k: 0 }, 400, "body.k"],
  // Oversized values
  ["ingest: id too long", "POST", "/v1/conversations", { id: long(201), messages: [msg()] }, 400, "body.id"],
  [
    "ingest: title too long",
    "POST",
    "/v1/conversations",
    { title: long(501), messages: [msg()] },
    400,
    "body.title",
  ],
  [
    "ingest: too many messages",
    "POST",
    "/v1/conversations",
    { messages: Array.from({ length: 1001 }, () => msg()) },
    400,
    "body.messages",
  ],
  ["search: query too long", "POST", "/v1/search", { query: long(2001) }, 400, "body.query"],
  ["search: k too big", "POST", "/v1/search", { query: "x", k: 51 }, 400, "body.k"],
  ["answer: question too long", "POST", "/v1/answer", { question: long(2001) }, 400, "body.question"],
  [
    "ingest: body over the limit",
    "POST",
    "/v1/conversations",
    { messages: [msg(long(1_100_000))] },
    413,
    "size limit",
  ],
  ["search: body over the limit", "POST", "/v1/search", { query: long(1_100_000) }, 413, "size limit"],
  ["get: id too long", "GET", `/v1/conversations/${long(201)}`, undefined, 400, "params.id"],
  ["delete: id with bad characters", "DELETE", "/v1/conversations/a%20b", undefined, 400, "params.id"],
  // Listing: bounds, types, timestamps, cursors, unknown parameters
  ["list: limit 0", "GET", "/v1/conversations?limit=0", undefined, 400, "querystring.limit"],
  ["list: limit over 100", "GET", "/v1/conversations?limit=101", undefined, 400, "querystring.limit"],
  ["list: limit fractional", "GET", "/v1/conversations?limit=2.5", undefined, 400, "querystring.limit"],
  ["list: limit not a number", "GET", "/v1/conversations?limit=ten", undefined, 400, "querystring.limit"],
  [
    "list: limit given twice",
    "GET",
    "/v1/conversations?limit=1&limit=2",
    undefined,
    400,
    "querystring.limit",
  ],
  ["list: bad since", "GET", "/v1/conversations?since=yesterday", undefined, 400, "querystring.since"],
  ["list: bad until", "GET", "/v1/conversations?until=2025-13-01", undefined, 400, "querystring.until"],
  ["list: empty user_id", "GET", "/v1/conversations?user_id=", undefined, 400, "querystring.user_id"],
  ["list: made-up cursor", "GET", "/v1/conversations?cursor=abc", undefined, 400, "querystring.cursor"],
  [
    "list: cursor of another shape",
    "GET",
    `/v1/conversations?cursor=${Buffer.from('{"offset":20}').toString("base64url")}`,
    undefined,
    400,
    "querystring.cursor",
  ],
  ["list: unknown parameter", "GET", "/v1/conversations?tenant=acme", undefined, 400, "querystring.tenant"],
  // Values Postgres cannot store
  [
    "ingest: NUL in content",
    "POST",
    "/v1/conversations",
    { messages: [msg("a\u0000b")] },
    400,
    "body.messages.0.content",
  ],
  [
    "ingest: NUL in metadata",
    "POST",
    "/v1/conversations",
    { messages: [msg()], metadata: { a: "\u0000" } },
    400,
    "body.metadata",
  ],
  [
    "search: NUL in user_id filter",
    "POST",
    "/v1/search",
    { query: "x", filter: { user_id: "\u0000" } },
    400,
    "body.filter.user_id",
  ],
  // Unknown fields
  [
    "ingest: unknown top-level field",
    "POST",
    "/v1/conversations",
    { messages: [msg()], tenant: "x" },
    400,
    "body.tenant",
  ],
  [
    "ingest: unknown message field",
    "POST",
    "/v1/conversations",
    { messages: [{ ...msg(), name: "bob" }] },
    400,
    "body.messages.0.name",
  ],
  ["search: unknown field", "POST", "/v1/search", { query: "x", top_k: 3 }, 400, "body.top_k"],
  [
    "search: unknown filter field",
    "POST",
    "/v1/search",
    { query: "x", filter: { tenant_id: "t" } },
    400,
    "body.filter.tenant_id",
  ],
  ["answer: unknown field", "POST", "/v1/answer", { question: "q", temperature: 1 }, 400, "body.temperature"],
];

describe("bad input", () => {
  const t = useApp();

  it.each(CASES)("%s", async (_name, method, url, payload, status, names) => {
    const res = await t.app.inject({
      method,
      url,
      ...(payload === undefined
        ? {}
        : {
            payload: typeof payload === "string" ? payload : JSON.stringify(payload),
            headers: { "content-type": "application/json" },
          }),
    });
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.error.message).toContain(names);
    expect(body.error.code).toMatch(/^[A-Z_]+$/);
  });

  it("rejects a non-JSON content type with 415", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      payload: "query=x",
      headers: { "content-type": "text/plain" },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("lists every offending field at once in details", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      payload: { query: "", k: 0, extra: 1 },
    });
    const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths.sort()).toEqual(["body.extra", "body.k", "body.query"]);
  });
});
