/**
 * The dashboard at `/`: one HTML page with its own script and stylesheet (`app/src/ui/`), read once at
 * start-up and served by the app, so it works offline. The page holds no data and no secret: it calls
 * the REST API from the browser with the key the user pastes, so it needs no API key itself
 * (`plugins/app/auth.ts`). The CSP allows only this origin: no inline script or style, no other host.
 */
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

export const DASHBOARD_PATH = "/";
const ASSET_PREFIX = "/ui/";

/** What the page may load and call: this origin, nothing inline, never framed. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const FILES = {
  [DASHBOARD_PATH]: { file: "index.html", type: "text/html; charset=utf-8" },
  [`${ASSET_PREFIX}dashboard.js`]: { file: "dashboard.js", type: "text/javascript; charset=utf-8" },
  [`${ASSET_PREFIX}dashboard.css`]: { file: "dashboard.css", type: "text/css; charset=utf-8" },
} as const;

/** The dashboard's paths: public like `/docs` (they hold no data). */
export function isDashboardPath(path: string): boolean {
  return Object.hasOwn(FILES, path);
}

export function dashboardRoutes(app: FastifyInstance): void {
  for (const [url, { file, type }] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`../ui/${file}`, import.meta.url));
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header("content-type", type)
        .header("content-security-policy", DASHBOARD_CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("cache-control", "no-cache")
        .send(body),
    );
  }
}
