import type * as pulumi from "@pulumi/pulumi";
import { isPlain, notPlainIssues } from "../../lib/plain-items.js";
import { portIssues } from "../../lib/validation.js";
import type { RestartPolicy } from "../lib/restart-policy.js";

/** A host directory bind-mounted into the container. */
export interface BindMount {
  /** Absolute path on the Docker host. */
  readonly hostPath: string;
  /** Absolute path in the container. */
  readonly containerPath: string;
  /** Defaults to false. */
  readonly readOnly?: boolean;
}

export interface DevAppArgs {
  /** Build context: the repo root (absolute path). */
  readonly context: string;
  /** Dockerfile, relative to the context. Defaults to "app/Dockerfile". */
  readonly dockerfile?: string;
  /** Dockerfile stage to build. Defaults to "dev" (devDependencies, `tsx watch`). */
  readonly target?: string;
  /** Local image name. Defaults to `mcp-backend:dev`. */
  readonly imageName?: string;
  /**
   * Environment variables. Pass secret Outputs for credentials: the whole list then becomes a secret,
   * which keeps them out of plain state and previews.
   */
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Name of the Docker network to join. */
  readonly network: pulumi.Input<string>;
  /** Host names of the container on the network. Defaults to ["app"] (the reference's service name). */
  readonly aliases?: string[];
  /** Port the app listens on in the container. Defaults to APP_PORT (8000). */
  readonly port?: number;
  /** Host port published for the app. Defaults to the container port. */
  readonly hostPort?: number;
  // Items typed as Inputs for the Go SDK's sake (infra/lib/plain-items.ts); the values must be known.
  /** Bind mounts (source for hot reload, logs). Each a known value, not an output. Defaults to none. */
  readonly mounts?: pulumi.Input<BindMount>[];
  /** Command. Defaults to the image's CMD. */
  readonly command?: string[];
  /** Working directory. Defaults to the image's WORKDIR. */
  readonly workingDir?: string;
  /** Restart policy. Defaults to "unless-stopped". */
  readonly restart?: RestartPolicy;
}

/** Invariants of {@link DevAppArgs}; [] when valid. */
export function validateDevAppArgs(args: DevAppArgs): string[] {
  const mounts = args.mounts ?? [];
  const issues = notPlainIssues(mounts, "mounts", "DevApp checks the paths before it creates anything");
  mounts.forEach((m, i) => {
    if (!isPlain(m)) return;
    if (!m.hostPath.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(m.hostPath))
      issues.push(
        `mounts[${i}].hostPath "${m.hostPath}" must be absolute (Docker resolves no relative paths)`,
      );
    if (!m.containerPath.startsWith("/"))
      issues.push(`mounts[${i}].containerPath "${m.containerPath}" must be absolute`);
  });
  issues.push(...portIssues("port", args.port), ...portIssues("hostPort", args.hostPort));
  if (args.aliases !== undefined && args.aliases.length === 0)
    issues.push('aliases must not be empty; omit it for ["app"]');
  return issues;
}
