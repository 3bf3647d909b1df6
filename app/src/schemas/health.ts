/** Probes: what `/health`, `/health/live` and `/health/ready` answer. */
import { z } from "zod";

export const DatabaseCheck = z
  .enum(["ok", "unavailable", "migrations_pending"])
  .describe("Whether the database answers and every migration is applied.");

export const Liveness = z
  .object({ status: z.literal("ok"), version: z.string().describe("APP_VERSION.") })
  .describe("The process is up; the database is not consulted.")
  .meta({ examples: [{ status: "ok", version: "dev" }] });

export const Ready = z
  .object({ status: z.literal("ok"), checks: z.object({ database: DatabaseCheck }) })
  .describe("Ready for traffic.")
  .meta({ examples: [{ status: "ok", checks: { database: "ok" } }] });

export const NotReady = z
  .object({
    status: z.enum(["unavailable", "draining"]),
    checks: z.object({ database: DatabaseCheck }).optional(),
  })
  .describe("Not ready: the database is unavailable or migrations are pending, or shutdown has begun.")
  .meta({
    examples: [{ status: "unavailable", checks: { database: "unavailable" } }, { status: "draining" }],
  });

export const Health = z
  .object({
    status: z.enum(["ok", "degraded"]).describe("`degraded` when the database is not ok; still a 200."),
    version: z.string(),
    checks: z.object({ database: DatabaseCheck }),
  })
  .describe("Process and database state (200 even when the database is down).")
  .meta({ examples: [{ status: "ok", version: "dev", checks: { database: "ok" } }] });
