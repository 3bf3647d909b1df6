/**
 * Tenant isolation for listing and deleting, over REST and MCP: a tenant lists only its own
 * conversations (whatever filter or cursor it sends) and cannot delete another's (404, as if the id
 * did not exist, and nothing is deleted).
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApp, useDatabase } from "../helpers.js";

const KEY_A = "key-for-acme-0b1c2d";
const KEY_B = "key-for-globex-9f8e7d";
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const conversation = (id: string) => ({
  id,
  user_id: "shared-user",
  messages: [{ role: "user", content: `Quarterly numbers for ${id}` }],
});

describe("tenants and list/delete", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await startApp(db.current.databases, {
      env: { API_KEYS: `${KEY_A}:acme,${KEY_B}:globex`, RATE_LIMIT_PER_MINUTE: "0" },
    });
    for (const [key, ids] of [
      [KEY_A, ["acme-1", "acme-2", "acme-3"]],
      [KEY_B, ["globex-1", "globex-2"]],
    ] as const) {
      for (const id of ids) {
        const res = await app.inject({
          method: "POST",
          url: "/v1/conversations",
          payload: conversation(id),
          headers: bearer(key),
        });
        expect(res.statusCode).toBe(201);
      }
    }
  });
  afterEach(async () => app.close());

  const listIds = async (key: string, query: Record<string, string> = {}) => {
    const res = await app.inject({ url: "/v1/conversations", query, headers: bearer(key) });
    expect(res.statusCode).toBe(200);
    return res.json() as { conversations: { id: string }[]; next_cursor: string | null };
  };

  it("needs a key to list", async () => {
    expect((await app.inject({ url: "/v1/conversations" })).statusCode).toBe(401);
  });

  it("lists only the caller's conversations over REST, even with the other tenant's cursor", async () => {
    expect((await listIds(KEY_A)).conversations.map((c) => c.id)).toEqual(["acme-3", "acme-2", "acme-1"]);
    expect((await listIds(KEY_B, { user_id: "shared-user" })).conversations.map((c) => c.id)).toEqual([
      "globex-2",
      "globex-1",
    ]);
    // A cursor is only a position: used by another tenant it still lists that tenant's rows only.
    const acmePage = await listIds(KEY_A, { limit: "1" });
    const crossed = await listIds(KEY_B, { cursor: acmePage.next_cursor! });
    for (const c of crossed.conversations) expect(c.id).toMatch(/^globex-/);
  });

  it("cannot delete another tenant's conversation over REST", async () => {
    const del = await app.inject({
      method: "DELETE",
      url: "/v1/conversations/acme-1",
      headers: bearer(KEY_B),
    });
    expect(del.statusCode).toBe(404);
    expect(del.json().error).toEqual({ code: "NOT_FOUND", message: "Conversation acme-1 not found" });
    expect((await listIds(KEY_A)).conversations).toHaveLength(3);
    const own = await app.inject({
      method: "DELETE",
      url: "/v1/conversations/acme-1",
      headers: bearer(KEY_A),
    });
    expect(own.statusCode).toBe(204);
    expect((await listIds(KEY_A)).conversations.map((c) => c.id)).toEqual(["acme-3", "acme-2"]);
  });

  it("applies the same rules to list_conversations and delete_conversation over MCP", async () => {
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const connect = async (key: string) => {
      const client = new Client({ name: "tenant-test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(HTTP_PATHS.mcp, address), {
          requestInit: { headers: bearer(key) },
        }),
      );
      return client;
    };
    const acme = await connect(KEY_A);
    const globex = await connect(KEY_B);
    try {
      const listed = await globex.callTool({ name: "list_conversations", arguments: {} });
      const ids = (listed.structuredContent as { conversations: { id: string }[] }).conversations.map(
        (c) => c.id,
      );
      expect(ids).toEqual(["globex-2", "globex-1"]);
      const cross = await globex.callTool({ name: "delete_conversation", arguments: { id: "acme-2" } });
      expect(cross.isError).toBe(true);
      expect(JSON.stringify(cross.content)).toContain("Conversation acme-2 not found");
      expect((await listIds(KEY_A)).conversations).toHaveLength(3);
      const own = await acme.callTool({ name: "delete_conversation", arguments: { id: "acme-2" } });
      expect(own.isError).toBeFalsy();
      expect((await listIds(KEY_A)).conversations.map((c) => c.id)).toEqual(["acme-3", "acme-1"]);
    } finally {
      await acme.close();
      await globex.close();
    }
  });
});
