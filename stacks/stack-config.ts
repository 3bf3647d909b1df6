import { didYouMean } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import {
  EnvironmentValidationError,
  environmentSchema,
  type ResolvedEnvironment,
  type RuleIssue,
  requiredSecrets,
  resolveEnvironment,
  SECRET_KEYS,
  type SecretKey,
} from "../environments/index.js";
import { type ConfigChecklist, StackConfigError } from "./errors.js";
import { IMAGE_CONFIG_KEYS } from "./image.js";
import { CLUSTER_CONFIG_KEYS } from "./kubernetes/cluster.js";

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

/** Every key this program reads under its namespace: the model's fields, secrets, cluster and image. */
export function knownConfigKeys(): string[] {
  return [
    ENVIRONMENT_CONFIG_KEY,
    ...Object.keys(environmentSchema.shape).filter((k) => k !== "name"),
    ...Object.values(SECRET_KEYS),
    ...Object.values(CLUSTER_CONFIG_KEYS),
    ...Object.values(IMAGE_CONFIG_KEYS),
  ];
}

/**
 * Stack config keys of this program's namespace that nothing reads: a typo such as
 * `pulumi config set --path mcp-stack:kubernete.replicas 3` would otherwise deploy without the change.
 * `all` is the whole stack config as the engine passes it (`namespace:key` → value).
 */
export function unknownConfigKeys(namespace: string, all: Readonly<Record<string, string>>): RuleIssue[] {
  const known = knownConfigKeys();
  const prefix = `${namespace}:`;
  return Object.keys(all)
    .filter((k) => k.startsWith(prefix) && !known.includes(k.slice(prefix.length)))
    .sort()
    .map((k) => {
      const key = k.slice(prefix.length);
      return {
        path: key,
        message: `unknown key in stack config (remove it: pulumi config rm ${k})${didYouMean(key, known)}`,
      };
    });
}

/**
 * The environment this stack deploys: its reference model, stack config merged over it, validated.
 * Unknown config keys and the model's own problems are reported together, every one with its path.
 */
export function loadEnvironment(
  stackName: string,
  config: pulumi.Config,
  allConfig: Readonly<Record<string, string>> = pulumi.runtime.allConfig(),
): ResolvedEnvironment {
  const name = config.get(ENVIRONMENT_CONFIG_KEY) ?? stackName;
  const unknown = unknownConfigKeys(config.name, allConfig);
  let env: ResolvedEnvironment;
  try {
    env = resolveEnvironment(name, readOverrides(config));
  } catch (error) {
    if (unknown.length > 0 && error instanceof EnvironmentValidationError)
      throw new EnvironmentValidationError(name, [...unknown, ...error.issues]);
    throw error;
  }
  if (unknown.length > 0) throw new EnvironmentValidationError(name, unknown);
  return env;
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
  const required = new Set<SecretKey>(requiredSecrets(env));
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
