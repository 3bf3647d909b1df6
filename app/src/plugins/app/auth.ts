/**
 * Bearer API keys (API_KEYS, `key:tenant`). Every route but the probes, /metrics, the API docs and the
 * dashboard's page (`routes/dashboard.ts`, no data; its requests to the API carry the key) needs
 * `Authorization: Bearer <key>`; the key decides the request's tenant. Off when API_KEYS is empty
 * (dev): everyone is the `default` tenant.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { HTTP_PATHS, SERVICE_NAME } from "@mcp-stack/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.js";
import { isDashboardPath } from "../../routes/dashboard.js";
import { DEFAULT_TENANT } from "../../services/context.js";
import { DOCS_PATH, OPENAPI_PATH } from "../external/swagger.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The caller's tenant: from the API key, or `default` when auth is off. */
    tenantId: string;
  }
}

/** Paths anyone may call: Kubernetes probes and the Prometheus scrape. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  HTTP_PATHS.health,
  HTTP_PATHS.live,
  HTTP_PATHS.ready,
  HTTP_PATHS.metrics,
]);

/**
 * The API's own description: `/openapi.json` and the `/docs` page with its assets. They hold no
 * data, and a browser opening `/docs` cannot send a bearer key (the page's Authorize button adds it
 * to the requests it makes). Unlike probes they stay rate limited.
 */
export function isDocsPath(path: string): boolean {
  return path === OPENAPI_PATH || path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`);
}

/** The route's path without query string (the matched pattern when there is one). */
export function routePath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split("?")[0] ?? request.url;
}

const digest = (key: string) => createHash("sha256").update(key).digest();

/** The configured keys, held only as SHA-256 digests. */
export class KeyRing {
  private readonly entries: { digest: Buffer; tenant: string }[];

  constructor(keys: ReadonlyMap<string, string>) {
    this.entries = [...keys].map(([key, tenant]) => ({ digest: digest(key), tenant }));
  }

  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /**
   * The tenant of a bearer `Authorization` header, or undefined. Compares digests (equal length) in
   * constant time and always walks every key, so timing tells nothing about which key nearly matched.
   */
  tenantFor(authorization: string | undefined): string | undefined {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let tenant: string | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && tenant === undefined) tenant = entry.tenant;
    }
    return tenant;
  }
}

const CHALLENGE = `Bearer realm="${SERVICE_NAME}"`;

/**
 * Authenticates in `preParsing`: after the rate limiter's `onRequest` (so floods of bad keys are
 * limited by address) and before the body is read (an unauthenticated body is never parsed).
 */
export function registerAuth(app: FastifyInstance, ring: KeyRing): void {
  app.decorateRequest("tenantId", DEFAULT_TENANT);
  if (!ring.enabled) return;
  app.addHook("preParsing", async (request, reply) => {
    const path = routePath(request);
    if (PUBLIC_PATHS.has(path) || isDocsPath(path) || isDashboardPath(path)) return;
    const header = request.headers.authorization;
    const tenant = ring.tenantFor(header);
    if (tenant === undefined) {
      reply.header("www-authenticate", header ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE);
      throw new AppError(
        "UNAUTHORIZED",
        header ? "The API key is not valid" : "Send an API key: Authorization: Bearer <key>",
      );
    }
    request.tenantId = tenant;
  });
}
