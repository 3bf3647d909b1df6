/** API keys: who may come in, and tenants never see each other's data (REST and MCP). */

import { HTTP_PATHS } from "@mcp-stack/contract";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KeyRing } from "../../../../app/src/plugins/app/auth.js";
import { startApp, useDatabase } from "../../helpers.js";

const KEY_A = "key-for-acme-0b1c2d";
const KEY_B = "key-for-globex-9f8e7d";
const API_KEYS = `${KEY_A}:acme,${KEY_B}:globex`;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const conversation = (id: string, content: string) => ({
  id,
  messages: [
    { role: "user", content },
    { role: "assistant", content: `Noted: ${content}` },
  ],
});

describe("KeyRing", () => {
  const ring = new KeyRing(new Map([[KEY_A, "acme"]]));
  it.each([
    [`Bearer ${KEY_A}`, "acme"],
    [`bearer   ${KEY_A}`, "acme"],
    [`Bearer ${KEY_A}x`, undefined],
    [`Basic ${KEY_A}`, undefined],
    [KEY_A, undefined],
    ["Bearer ", undefined],
    [undefined, undefined],
  ])("maps the header %j to tenant %j", (header, tenant) => {
    expect(ring.tenantFor(header)).toBe(tenant);
  });
});

describe("with API_KEYS set", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await startApp(db.current.databases, { env: { API_KEYS, RATE_LIMIT_PER_MINUTE: "0" } });
  });
  afterEach(async () => app.close());

  it.each([
    ["POST", "/v1/search", { query: "x" }],
    ["POST", "/v1/answer", { question: "x" }],
    ["GET", "/v1/conversations/any", undefined],
    ["DELETE", "/v1/conversations/any", undefined],
    ["POST", "/v1/conversations", conversation("c", "x")],
    ["POST", HTTP_PATHS.mcp, { jsonrpc: "2.0", id: 1, method: "tools/list" }],
  ] as const)(
    "answers 401 with WWW-Authenticate: Bearer to %s %s without a key",
    async (method, url, body) => {
      const res = await app.inject({ method, url, payload: body });
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm=/);
      const wrong = await app.inject({ method, url, payload: body, headers: bearer("not-a-key") });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers["www-authenticate"]).toMatch(/^Bearer .*error="invalid_token"/);
    },
  );

  it("answers in the error format naming the missing key", async () => {
    const res = await app.inject({ method: "POST", url: "/v1/search", payload: { query: "x" } });
    expect(res.json()).toEqual({
      error: { code: "UNAUTHORIZED", message: "Send an API key: Authorization: Bearer <key>" },
    });
  });

  it.each([HTTP_PATHS.health, HTTP_PATHS.live, HTTP_PATHS.ready])(
    "lets probes call %s without a key",
    async (url) => {
      expect((await app.inject({ url })).statusCode).toBe(200);
    },
  );

  it("keeps tenants apart over REST: search, answer, get and delete see only their own data", async () => {
    const ingest = async (key: string, body: object) =>
      app.inject({ method: "POST", url: "/v1/conversations", payload: body, headers: bearer(key) });
    expect((await ingest(KEY_A, conversation("acme-1", "The carbonara needs guanciale"))).statusCode).toBe(
      201,
    );
    expect((await ingest(KEY_B, conversation("globex-1", "The carbonara needs pancetta"))).statusCode).toBe(
      201,
    );

    const search = async (key: string) =>
      (
        await app.inject({
          method: "POST",
          url: "/v1/search",
          payload: { query: "carbonara" },
          headers: bearer(key),
        })
      ).json().results as { conversation_id: string }[];
    expect(new Set((await search(KEY_A)).map((r) => r.conversation_id))).toEqual(new Set(["acme-1"]));
    expect(new Set((await search(KEY_B)).map((r) => r.conversation_id))).toEqual(new Set(["globex-1"]));

    const answer = await app.inject({
      method: "POST",
      url: "/v1/answer",
      payload: { question: "What does the carbonara need?" },
      headers: bearer(KEY_B),
    });
    expect(answer.json().citations.map((c: { conversation_id: string }) => c.conversation_id)).toEqual([
      "globex-1",
    ]);

    // Reads of an id you can't see: 404, as if it did not exist.
    const get = await app.inject({ url: "/v1/conversations/acme-1", headers: bearer(KEY_B) });
    expect(get.statusCode).toBe(404);
    const del = await app.inject({
      method: "DELETE",
      url: "/v1/conversations/acme-1",
      headers: bearer(KEY_B),
    });
    expect(del.statusCode).toBe(404);
    expect((await app.inject({ url: "/v1/conversations/acme-1", headers: bearer(KEY_A) })).statusCode).toBe(
      200,
    );

    // Writing to another tenant's id: 403, and nothing changes.
    const hijack = await ingest(KEY_B, conversation("acme-1", "The carbonara needs guanciale"));
    expect(hijack.statusCode).toBe(403);
    expect(hijack.json().error.code).toBe("FORBIDDEN");
    const owned = await app.inject({ url: "/v1/conversations/acme-1", headers: bearer(KEY_A) });
    expect(owned.json().messages).toHaveLength(2);
  });

  it("keeps tenants apart over MCP, with the key sent by the SDK client", async () => {
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const connect = async (key: string) => {
      const client = new Client({ name: "auth-test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${address}${HTTP_PATHS.mcp}`), {
          requestInit: { headers: bearer(key) },
        }),
      );
      return client;
    };
    const acme = await connect(KEY_A);
    const globex = await connect(KEY_B);
    try {
      await acme.callTool({
        name: "ingest_conversation",
        arguments: conversation("acme-mcp", "Our pipeline deploys with blue green releases"),
      });
      const found = async (client: Client) => {
        const result = await client.callTool({
          name: "search_conversations",
          arguments: { query: "blue green releases" },
        });
        return (result.structuredContent as { results: { conversation_id: string }[] }).results.map(
          (r) => r.conversation_id,
        );
      };
      expect(new Set(await found(acme))).toEqual(new Set(["acme-mcp"]));
      expect(await found(globex)).toEqual([]);
      const get = await globex.callTool({ name: "get_conversation", arguments: { id: "acme-mcp" } });
      expect(get.isError).toBe(true);
    } finally {
      await acme.close();
      await globex.close();
    }
    const anonymous = new Client({ name: "auth-test", version: "1.0.0" });
    await expect(
      anonymous.connect(new StreamableHTTPClientTransport(new URL(`${address}${HTTP_PATHS.mcp}`))),
    ).rejects.toThrow(/Send an API key/);
  });
});

describe("without API_KEYS (dev)", () => {
  const db = useDatabase();
  it("serves everyone as the default tenant", async () => {
    const app = await startApp(db.current.databases, { env: { RATE_LIMIT_PER_MINUTE: "0" } });
    try {
      const res = await app.inject({ method: "POST", url: "/v1/search", payload: { query: "x" } });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
