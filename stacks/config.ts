import type * as pulumi from "@pulumi/pulumi";
import {
  environmentSchema,
  type ResolvedEnvironment,
  requiredSecrets,
  resolveEnvironment,
  SECRET_KEYS,
  type SecretKey,
} from "../environments/index.js";
import { type ConfigChecklist, StackConfigError } from "./errors.js";

/** Config key that picks the environment when the stack is not named dev, staging or prod. */
export const ENVIRONMENT_CONFIG_KEY = "environment";

/**
 * Overrides from stack config: every top-level field of the model is a config key, so
 * `pulumi config set --path mcp-stack:kubernetes.replicas 6` (stored as `mcp-stack:kubernetes: {replicas: 6}`)
 * is merged over the reference values and validated by the same schema.
 */
export function readOverrides(config: pulumi.Config): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const key of Object.keys(environmentSchema.shape)) {
    if (key === "name") continue;
    const raw = config.get(key);
    if (raw === undefined) continue;
    // Structured values arrive as JSON; scalars (target, version) as plain strings.
    try {
      overrides[key] = JSON.parse(raw);
    } catch {
      overrides[key] = raw;
    }
  }
  return overrides;
}

/** The environment this stack deploys: its reference model, stack config merged over it, validated. */
export function loadEnvironment(stackName: string, config: pulumi.Config): ResolvedEnvironment {
  const name = config.get(ENVIRONMENT_CONFIG_KEY) ?? stackName;
  return resolveEnvironment(name, readOverrides(config));
}

/** Secret config values, always as secret Outputs. Optional ones are undefined when unset. */
export type StackSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

/**
 * Read the secrets the environment needs. Required ones that are missing stop the deployment, all at
 * once, with the exact `pulumi config set --secret` line to run for each.
 */
export function readSecrets(
  config: pulumi.Config,
  env: ResolvedEnvironment,
  /** Note the missing secrets here instead of throwing (the stack's one checklist). */
  checklist?: ConfigChecklist,
): StackSecrets {
  const required = new Set(requiredSecrets(env));
  const secrets: StackSecrets = {};
  const missing: string[] = [];
  for (const key of Object.keys(SECRET_KEYS) as SecretKey[]) {
    const value = config.getSecret(SECRET_KEYS[key]);
    if (value === undefined && required.has(key)) missing.push(SECRET_KEYS[key]);
    if (value !== undefined) secrets[key] = value;
  }
  const line = (k: string) => `pulumi config set --secret ${config.name}:${k} <value>`;
  const problem =
    missing.length === 0
      ? undefined
      : missing.length === 1
        ? `${env.name}: missing secret "${missing[0]}"; run: ${line(missing[0] as string)}`
        : `${env.name}: missing secrets ${missing.map((k) => `"${k}"`).join(", ")}; run:\n${missing.map((k) => `  ${line(k)}`).join("\n")}`;
  if (problem !== undefined) {
    if (!checklist) throw new StackConfigError(problem);
    checklist.add(problem);
  }
  return secrets;
}
