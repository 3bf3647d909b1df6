/**
 * JSON bodies are UTF-8 or refused: another declared charset is a 415 saying to send UTF-8, bytes
 * that are not UTF-8 a 400 naming the offset, on the REST routes and the MCP endpoint alike. Before,
 * Latin-1 `café` was decoded to `caf\uFFFD` and stored with a 201.
 */
import { HTTP_PATHS } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import { charsetOf } from "../../../../app/src/plugins/app/json-body.js";
import { useApp } from "../../helpers.js";

const latin1Body = () =>
  Buffer.from('{"id":"cafe","title":"café crème","messages":[{"role":"user","content":"hi"}]}', "latin1");

describe("charsetOf", () => {
  it("reads the charset parameter, quoted or not, in any case", () => {
    expect(charsetOf("application/json")).toBeUndefined();
    expect(charsetOf("application/json; charset=UTF-8")).toBe("utf-8");
    expect(charsetOf('application/json;charset="iso-8859-1"')).toBe("iso-8859-1");
    expect(charsetOf("application/json; foo=bar; Charset=latin1")).toBe("latin1");
  });
});

describe("JSON body encoding", () => {
  const t = useApp();
  const post = (url: string, contentType: string, payload: Buffer | string) =>
    t.app.inject({
      method: "POST",
      url,
      headers: { "content-type": contentType, accept: "application/json, text/event-stream" },
      payload,
    });

  it("answers 415 to a body declared as ISO-8859-1, saying to send UTF-8, and stores nothing", async () => {
    const res = await post("/v1/conversations", "application/json; charset=iso-8859-1", latin1Body());
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toEqual({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message:
        "Content-Type declares charset=iso-8859-1; this API reads JSON as UTF-8 only: send the body as UTF-8 with Content-Type: application/json (charset=utf-8 or no charset)",
    });
    expect((await t.app.inject({ method: "GET", url: "/v1/conversations/cafe" })).statusCode).toBe(404);
  });

  it("answers 400 naming the byte offset to Latin-1 bytes sent as plain application/json", async () => {
    const body = latin1Body();
    const res = await post("/v1/conversations", "application/json", body);
    expect(res.statusCode).toBe(400);
    // `é` is the first byte above 0x7F: `{"id":"cafe","title":"caf` is 25 bytes.
    expect(body[25]).toBe(0xe9);
    expect(res.json().error.code).toBe("INVALID_JSON");
    expect(res.json().error.message).toMatch(
      /^Body is not valid JSON: invalid UTF-8 at byte offset 25 \(0xE9\); JSON must be UTF-8/,
    );
    expect((await t.app.inject({ method: "GET", url: "/v1/conversations/cafe" })).statusCode).toBe(404);
  });

  it("accepts UTF-8 with or without charset=utf-8, and stores the text as sent", async () => {
    const utf8 = Buffer.from(latin1Body().toString("latin1"), "utf8");
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      "application/json;charset=UTF8",
    ]) {
      expect((await post("/v1/conversations", type, utf8)).statusCode, type).toBe(201);
    }
    const stored = await t.app.inject({ method: "GET", url: "/v1/conversations/cafe" });
    expect(stored.json().title).toBe("café crème");
  });

  it.each([
    ["a lone continuation byte", [0x80], 0],
    ["an overlong encoding of /", [0xc0, 0xaf], 0],
    ["a UTF-16 surrogate", [0xed, 0xa0, 0x80], 0],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["a sequence cut short", [0xe2, 0x82], 0],
  ])("names the offset of %s", async (_what, bytes, at) => {
    const prefix = Buffer.from('{"query":"');
    const body = Buffer.concat([prefix, Buffer.from(bytes), Buffer.from('"}')]);
    const res = await post("/v1/search", "application/json", body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(`at byte offset ${prefix.length + at}`);
  });

  it("says why valid JSON with a __proto__ key is refused, instead of calling it invalid", async () => {
    const res = await post("/v1/search", "application/json", '{"query":"x","__proto__":{"admin":true}}');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('a key named "__proto__"');
    expect(res.json().error.message).toContain("fix: rename the key");
    const broken = await post("/v1/search", "application/json", '{"query":');
    expect(broken.json().error.message).toMatch(/^Body is not valid JSON: /);
  });

  it("refuses the same on the MCP endpoint, as JSON-RPC errors", async () => {
    const call = Buffer.from(
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_conversations","arguments":{"query":"caf\xe9"}}}',
      "latin1",
    );
    const declared = await post(HTTP_PATHS.mcp, "application/json; charset=iso-8859-1", call);
    expect(declared.statusCode).toBe(415);
    expect(declared.json().error.message).toContain("send the body as UTF-8");
    const raw = await post(HTTP_PATHS.mcp, "application/json", call);
    expect(raw.statusCode).toBe(400);
    expect(raw.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 } });
    expect(raw.json().error.message).toContain("invalid UTF-8 at byte offset");
  });
});
