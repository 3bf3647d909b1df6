/**
 * Free-form objects (a conversation's `metadata`) are bounded in depth, entries and size on every
 * way in: the single ingest, the batch, the MCP tools. Bodies are written as text: a 5,000-deep
 * object is more than JSON.stringify (or the test's own injector) can serialise.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { HTTP_PATHS } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import { FREE_FORM_DESCRIPTION, FREE_FORM_LIMITS, measureJson } from "../../../app/src/schemas/free-form.js";
import { useApp } from "../helpers.js";

const L = FREE_FORM_LIMITS;
const MESSAGES = '[{"role":"user","content":"hello"}]';
/** `{"a":{"a":…1…}}`, `levels` objects deep. */
const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
/** One object with `keys` keys. */
const wide = (keys: number) => `{${Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(",")}}`;
const conversation = (metadata: string, id = "c1") =>
  `{"id":"${id}","metadata":${metadata},"messages":${MESSAGES}}`;

describe("FREE_FORM_LIMITS", () => {
  it("are the ones docs/app.md states", () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, "../../../docs/app.md"), "utf8");
    expect(doc.replace(/\s+/g, " ")).toContain(FREE_FORM_DESCRIPTION);
  });
});

describe("measureJson", () => {
  it("counts levels, entries and NULs without recursing, at any depth", () => {
    expect(measureJson({})).toMatchObject({ depth: 1, entries: 0 });
    expect(measureJson({ a: [1, { b: 2 }] })).toMatchObject({ depth: 3, entries: 4 });
    expect(measureJson(JSON.parse(deep(200_000)))).toMatchObject({ depth: 200_000, entries: 200_000 });
    expect(measureJson({ "k\u0000": 1 }).nul).toBe(true);
    expect(measureJson(["a\u0000"]).nul).toBe(true);
  });
});

describe("metadata limits", () => {
  const t = useApp({ env: { RATE_LIMIT_PER_MINUTE: "0" } });
  const post = (url: string, payload: string) =>
    t.app.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload });

  it("refuses a 5,000-deep metadata with 400 naming the field and the limit (was a 500)", async () => {
    const res = await post("/v1/conversations", conversation(deep(5000)));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "VALIDATION_FAILED",
      message: `body.metadata: nests 5000 levels deep; the limit is ${L.depth}; fix: flatten it`,
    });
  });

  it("refuses 3,000 deep too (it used to be stored), and stores one at the limit", async () => {
    expect((await post("/v1/conversations", conversation(deep(3000)))).statusCode).toBe(400);
    expect((await post("/v1/conversations", conversation(deep(L.depth + 1)))).statusCode).toBe(400);
    const ok = await post("/v1/conversations", conversation(deep(L.depth)));
    expect(ok.statusCode).toBe(201);
    const stored = await t.app.inject({ method: "GET", url: "/v1/conversations/c1" });
    expect(measureJson(stored.json().metadata).depth).toBe(L.depth);
  });

  it("refuses a wide metadata by its count of keys", async () => {
    const res = await post("/v1/conversations", conversation(wide(5000)));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(
      `body.metadata: holds 5000 keys and array items; the limit is ${L.entries}; fix: keep fewer, or store the data elsewhere and reference it`,
    );
    expect((await post("/v1/conversations", conversation(wide(L.entries)))).statusCode).toBe(201);
  });

  it("refuses a metadata over the size limit within the body limit, and a long key at any level", async () => {
    const big = `{"text":"${"x".repeat(L.bytes)}"}`;
    const res = await post("/v1/conversations", conversation(big));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      new RegExp(`^body\\.metadata: is ${L.bytes + 11} bytes as JSON; the limit is ${L.bytes};`),
    );
    const longKey = await post("/v1/conversations", conversation(`{"a":{"${"k".repeat(101)}":1}}`));
    expect(longKey.json().error.message).toContain("has a key of 101 characters; the limit is 100");
  });

  it("applies the same limits to each conversation of a batch, by position", async () => {
    const res = await post(
      "/v1/conversations/batch",
      `{"conversations":[${conversation("{}", "ok")},${conversation(deep(5000), "deep")},${conversation(wide(5000), "wide")}]}`,
    );
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(["body.conversations.1.metadata", "body.conversations.2.metadata"]);
    expect(res.json().error.message).toContain("body.conversations.1.metadata: nests 5000 levels deep");
  });

  it("answers an MCP tool call with a deep metadata as a tool error naming the argument, not an internal error", async () => {
    const mcpHeaders = { accept: "application/json, text/event-stream" };
    for (const [name, args, problem] of [
      [
        "ingest_conversation",
        conversation(deep(5000)),
        /nests 5000 levels deep; the limit is 16; fix: flatten it at metadata$/,
      ],
      [
        "ingest_conversations",
        `{"conversations":[${conversation(wide(5000))}]}`,
        /holds 5000 keys and array items; the limit is 1000; .* at conversations\[0\]\.metadata$/,
      ],
    ] as const) {
      const res = await t.app.inject({
        method: "POST",
        url: HTTP_PATHS.mcp,
        headers: { "content-type": "application/json", ...mcpHeaders },
        payload: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${name}","arguments":${args}}}`,
      });
      expect(res.statusCode, name).toBe(200);
      const body = res.json();
      expect(body.result?.isError, name).toBe(true);
      expect(body.result.content[0].text, name).toMatch(problem);
    }
  });
});
