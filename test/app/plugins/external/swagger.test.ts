/**
 * The OpenAPI document: valid OpenAPI 3.1, generated from the same zod schemas that validate
 * requests, covering every registered route (bar the internal ones listed below, each with its
 * reason), every catalogued error code, the bearer scheme, and examples that pass their own
 * schemas. `/docs` renders it from local assets only.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { FastifyInstance, RouteOptions } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import { decodeCursor } from "../../../../app/src/lib/cursor.js";
import { ERRORS, type ErrorCode } from "../../../../app/src/lib/errors.js";
import { isDashboardPath } from "../../../../app/src/routes/dashboard.js";
import { AnswerInput, AnswerOutput } from "../../../../app/src/schemas/answer.js";
import {
  Conversation,
  ConversationPage,
  DeleteResult,
  IngestConversationInput,
  IngestResult,
} from "../../../../app/src/schemas/conversation.js";
import { SearchInput, SearchOutput } from "../../../../app/src/schemas/search.js";
import type { TelemetryPlugins } from "../../../../app/src/server.js";
import { startApp, useDatabase } from "../../helpers.js";

/** Routes deliberately left out of the document. */
const INTERNAL: { match: (method: string, url: string) => boolean; reason: string }[] = [
  {
    match: (method) => method === "HEAD",
    reason: "fastify adds a HEAD twin to every GET route; it answers as the GET without a body",
  },
  {
    match: (_m, url) => url === "/docs" || url.startsWith("/docs/"),
    reason: "the reference page's own HTML, JS, CSS and config (it renders /openapi.json)",
  },
  {
    match: (_m, url) => isDashboardPath(url),
    reason: "the dashboard's page, script and stylesheet (it calls the documented API)",
  },
  {
    match: (_m, url) => url === "/metrics",
    reason: "Prometheus text for the scraper, on its own port in clusters (docs/observability.md)",
  },
];

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  security: Record<string, string[]>[];
};
type Operation = {
  security?: unknown[];
  parameters?: { schema: object; example?: unknown; examples?: Record<string, { value: unknown }> }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
};
type Media = { schema: Schema; example?: unknown; examples?: Record<string, { value: unknown }> };
type Schema = { examples?: unknown[]; [key: string]: unknown };

const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

describe("GET /openapi.json", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  let routes: { method: string; url: string }[];
  let doc: Doc;

  beforeEach(async () => {
    routes = [];
    // Registered before the routes and not encapsulated, so it sees every route the app adds.
    const collect = Object.assign(
      async (instance: FastifyInstance) => {
        instance.addHook("onRoute", (route: RouteOptions) => {
          for (const method of [route.method].flat()) routes.push({ method, url: route.url });
        });
      },
      { [Symbol.for("skip-override")]: true },
    );
    const telemetry: TelemetryPlugins = { fastifyPlugin: collect };
    app = await startApp(db.current.databases, {
      env: { API_KEYS: "docs-test-key:acme", RATE_LIMIT_PER_MINUTE: "0" },
      telemetry,
    });
    const res = await app.inject({ url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    doc = res.json() as Doc;
  });
  afterEach(async () => app.close());

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents every registered route except the listed internal ones", () => {
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes
      .filter((r) => !INTERNAL.some((i) => i.match(r.method, r.url)))
      .filter((r) => !doc.paths[openapiPath(r.url)]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    // And nothing is documented that the app does not route.
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        expect(
          routes.some((r) => openapiPath(r.url) === path && r.method.toLowerCase() === method),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
  });

  it("describes every parameter, body and response, and every catalogued error code", () => {
    const codes = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        for (const p of op.parameters ?? [])
          expect((p as { description?: string }).description, where).toBeTruthy();
        for (const [status, response] of Object.entries(op.responses)) {
          expect(response.description, `${where} ${status}`).not.toBe("Default Response");
          const schema = response.content?.["application/json"]?.schema as
            | { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } }
            | undefined;
          const enumCodes = schema?.properties?.error?.properties?.code?.enum ?? [];
          for (const code of enumCodes) {
            expect(ERRORS[code as ErrorCode].status, `${where}: ${code} under ${status}`).toBe(
              Number(status),
            );
            codes.add(code);
          }
        }
      }
    }
    // 405 METHOD_NOT_ALLOWED is answered in JSON-RPC form on /mcp; its description names it.
    const mcpGet = JSON.stringify(doc.paths["/mcp"]?.get?.responses);
    if (mcpGet.includes("METHOD_NOT_ALLOWED")) codes.add("METHOD_NOT_ALLOWED");
    expect([...codes].sort()).toEqual(Object.keys(ERRORS).sort());
    const ingest = doc.paths["/v1/conversations"]!.post!;
    expect(Object.keys(ingest.responses).sort()).toEqual(
      ["201", "400", "401", "403", "409", "413", "415", "429", "500", "502", "503", "504"].sort(),
    );
  });

  it("declares the bearer key scheme for the API and none for probes and docs", () => {
    expect(Object.values(doc.components.securitySchemes)).toEqual([
      expect.objectContaining({ type: "http", scheme: "bearer" }),
    ]);
    const scheme = Object.keys(doc.components.securitySchemes)[0]!;
    expect(doc.security).toEqual([{ [scheme]: [] }]);
    for (const path of ["/health", "/health/live", "/health/ready", "/openapi.json"]) {
      expect(doc.paths[path]!.get!.security, path).toEqual([]);
    }
    expect(doc.paths["/v1/search"]!.post!.security).toBeUndefined();
  });

  it("has examples that pass their own schemas", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    let checked = 0;
    const check = (schema: object, value: unknown, where: string) => {
      const validate = ajv.compile(schema);
      expect(validate(value), `${where}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      checked++;
    };
    /** `examples` of a schema and of every schema inside it. */
    const walk = (schema: unknown, where: string) => {
      if (!schema || typeof schema !== "object") return;
      const s = schema as Schema;
      if (Array.isArray(s.examples)) {
        for (const [i, e] of s.examples.entries()) check(s, e, `${where} examples[${i}]`);
      }
      for (const [key, child] of Object.entries(s)) {
        if (key !== "examples") walk(child, `${where}.${key}`);
      }
    };
    const media = (m: Media, where: string) => {
      if (m.example !== undefined) check(m.schema, m.example, `${where} example`);
      for (const [name, e] of Object.entries(m.examples ?? {})) check(m.schema, e.value, `${where} ${name}`);
      walk(m.schema, where);
    };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        for (const p of op.parameters ?? []) walk(p.schema, `${where} parameter`);
        for (const [type, m] of Object.entries(op.requestBody?.content ?? {}))
          media(m, `${where} body ${type}`);
        for (const [status, r] of Object.entries(op.responses)) {
          for (const [type, m] of Object.entries(r.content ?? {})) media(m, `${where} ${status} ${type}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it.each([
    ["IngestConversationInput", IngestConversationInput],
    ["IngestResult", IngestResult],
    ["Conversation", Conversation],
    ["ConversationPage", ConversationPage],
    ["DeleteResult", DeleteResult],
    ["SearchInput", SearchInput],
    ["SearchOutput", SearchOutput],
    ["AnswerInput", AnswerInput],
    ["AnswerOutput", AnswerOutput],
  ] as [string, z.ZodType][])("%s's examples also pass the zod schema itself", (_name, schema) => {
    const examples = (schema.meta()?.examples ?? []) as unknown[];
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(schema.safeParse(example).error).toBeUndefined();
  });

  it("uses a cursor in its listing example that the API accepts", () => {
    const [page] = (ConversationPage.meta()?.examples ?? []) as { next_cursor: string }[];
    expect(decodeCursor(page!.next_cursor)).toEqual({
      createdAt: "2025-01-10T10:00:07.123456Z",
      id: "k8s-deploy",
    });
  });

  it("is served, with /docs, without an API key; the API itself still needs one", async () => {
    expect((await app.inject({ url: "/openapi.json" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/docs/" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/v1/conversations" })).statusCode).toBe(401);
  });

  it("renders /docs from the app's own assets, nothing from another host", async () => {
    for (const entry of ["/docs", "/docs/"]) {
      const page = await app.inject({ url: entry });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toContain("text/html");
      const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThan(3);
      for (const asset of assets) {
        expect(asset, "no absolute URLs").not.toMatch(/^(https?:)?\/\//);
        const url = new URL(asset, `http://app${entry}`).pathname;
        const res = await app.inject({ url });
        expect(res.statusCode, `${entry} → ${url}`).toBe(200);
        if (url.endsWith("swagger-initializer.js")) {
          // Nothing fetched from elsewhere (a comment's link to an answer online is not a fetch).
          expect(res.body).not.toMatch(/(?:src|href|url)\s*[:=]\s*\(?\s*['"`](?:https?:)?\/\//);
          expect(res.body).toContain("validatorUrl: null");
          // The page loads the same generated document, relative to itself.
          expect(res.body).toContain("url: resolveUrl('./json')");
          expect((await app.inject({ url: "/docs/json" })).json()).toEqual(doc);
        }
      }
    }
  });
});
