import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import type { StackSecrets } from "../config.js";

export interface AppTierInputs {
  readonly env: ResolvedEnvironment;
  readonly secrets: StackSecrets;
  readonly namespace: pulumi.Output<string>;
  readonly image: pulumi.Output<string>;
  readonly parent: pulumi.Resource;
}

/** The app workload and its data tier (McpBackend, Secrets, Redis, Postgres, PgBouncer, backups, policies). */
export function deployAppTier(_inputs: AppTierInputs): Record<string, pulumi.Output<unknown>> {
  return {};
}
