import type * as pulumi from "@pulumi/pulumi";
import { portIssues } from "../../lib/validation.js";
import type { RestartPolicy } from "../lib/restart-policy.js";

export interface DevDatabaseArgs {
  /** Pinned Postgres image with pgvector, e.g. `pgvector/pgvector:0.8.0-pg16`. */
  readonly image: string;
  /** POSTGRES_DB: the database created on first start. */
  readonly database: string;
  /** POSTGRES_USER: the role created on first start (superuser of this throwaway server). */
  readonly user: string;
  /** POSTGRES_PASSWORD. Pass a secret Output; the container's environment is then secret as a whole. */
  readonly password: pulumi.Input<string>;
  /** Name of the Docker network to join. */
  readonly network: pulumi.Input<string>;
  /** Host names of the container on that network. Defaults to ["db"] (the reference's service name). */
  readonly aliases?: string[];
  /** Publish Postgres on a host port. Defaults to true; false keeps it on the Docker network only. */
  readonly publishPort?: boolean;
  /** Host port published for Postgres. Defaults to 5432 (the reference). Needs `publishPort`. */
  readonly hostPort?: number;
  /** Name of the named volume holding PGDATA. Defaults to `<name>-data`. */
  readonly volumeName?: string;
  /** Extra arguments to `postgres`, e.g. ["-c", "shared_buffers=256MB"]. Defaults to none. */
  readonly postgresArgs?: string[];
  /** Memory limit in MB. Defaults to no limit. */
  readonly memoryMb?: number;
  /** Restart policy. Defaults to "unless-stopped". */
  readonly restart?: RestartPolicy;
  /**
   * Seconds `pulumi up` waits for the healthcheck to pass before failing the create.
   * Defaults to 120 (first start runs initdb).
   */
  readonly waitTimeoutSeconds?: number;
}

/** Invariants of {@link DevDatabaseArgs}; [] when valid. */
export function validateDevDatabaseArgs(args: DevDatabaseArgs): string[] {
  const issues: string[] = [];
  if (/:latest$/.test(args.image) || !/[:@]/.test(args.image.split("/").pop() ?? ""))
    issues.push(`image "${args.image}" must be pinned to a tag or digest, never latest`);
  issues.push(...portIssues("hostPort", args.hostPort));
  if (args.publishPort === false && args.hostPort !== undefined)
    issues.push("hostPort is set but publishPort is false: drop hostPort, or publish the port");
  if (args.aliases !== undefined && args.aliases.length === 0)
    issues.push('aliases must not be empty; omit it for ["db"]');
  if (args.memoryMb !== undefined && !(Number.isInteger(args.memoryMb) && args.memoryMb > 0))
    issues.push(`memoryMb ${args.memoryMb} must be a positive whole number of MB`);
  return issues;
}
