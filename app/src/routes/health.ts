/**
 * Probes. `/health/live` never touches the database; `/health/ready` needs the database and every
 * migration, and answers 503 `draining` once shutdown has begun (`app.draining`); `/health` (what the reference's probes call) reports both but fails only when the
 * process itself is broken, so a database outage never makes Kubernetes restart healthy pods.
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import type { FastifyInstance } from "fastify";
import type { Databases } from "../db/database.js";
import { isMigrated } from "../db/migrations.js";
import { Health, Liveness, NotReady, Ready } from "../schemas/health.js";

/** Probes need no API key (`plugins/app/auth.ts`) and are not rate limited. */
const probe = { tags: ["health"], security: [] };

export interface HealthDeps {
  databases: Databases;
  version: string;
}

async function databaseStatus(databases: Databases): Promise<"ok" | "unavailable" | "migrations_pending"> {
  try {
    return (await isMigrated(databases.primary)) ? "ok" : "migrations_pending";
  } catch {
    return "unavailable";
  }
}

export function healthRoutes(app: FastifyInstance, { databases, version }: HealthDeps): void {
  app.get(
    HTTP_PATHS.live,
    { schema: { ...probe, operationId: "live", summary: "Liveness probe", response: { 200: Liveness } } },
    async () => ({ status: "ok", version }),
  );

  const ready = {
    ...probe,
    operationId: "ready",
    summary: "Readiness probe: database reachable and migrated, not shutting down",
    response: { 200: Ready, 503: NotReady },
  };
  app.get(HTTP_PATHS.ready, { schema: ready }, async (_request, reply) => {
    // Shutting down: take this replica out of the Service before the listener closes.
    if (app.draining) return reply.status(503).send({ status: "draining" });
    const database = await databaseStatus(databases);
    const ready = database === "ok";
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? "ok" : "unavailable", checks: { database } });
  });

  const health = { ...probe, operationId: "health", summary: "Health report", response: { 200: Health } };
  app.get(HTTP_PATHS.health, { schema: health }, async () => {
    const database = await databaseStatus(databases);
    return { status: database === "ok" ? "ok" : "degraded", version, checks: { database } };
  });
}
