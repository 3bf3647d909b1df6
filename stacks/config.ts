import type * as pulumi from "@pulumi/pulumi";
import {
  environmentSchema,
  type ResolvedEnvironment,
  requiredSecrets,
  resolveEnvironment,
  SECRET_KEYS,
  type SecretKey,
} from "../environments/index.js";
import { StackConfigError } from "./errors.js";

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
 * Read the secrets the environment needs. A required one that is missing stops the deployment with
 * the exact `pulumi config set --secret` line to run.
 */
export function readSecrets(config: pulumi.Config, env: ResolvedEnvironment): StackSecrets {
  const required = new Set(requiredSecrets(env));
  const secrets: StackSecrets = {};
  for (const key of Object.keys(SECRET_KEYS) as SecretKey[]) {
    const value = config.getSecret(SECRET_KEYS[key]);
    if (value === undefined && required.has(key)) {
      throw new StackConfigError(
        `${env.name}: missing secret "${SECRET_KEYS[key]}"; run: pulumi config set --secret ${config.name}:${SECRET_KEYS[key]} <value>`,
      );
    }
    if (value !== undefined) secrets[key] = value;
  }
  return secrets;
}
