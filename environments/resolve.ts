import { didYouMean } from "@mcp-stack/contract";
import type { z } from "zod";
import { type Derived, derive } from "./derive.js";
import { dev } from "./dev.js";
import { deepMerge } from "./merge.js";
import { prod } from "./prod.js";
import { checkRules, type RuleIssue } from "./rules.js";
import { ENVIRONMENT_NAMES, type Environment, type EnvironmentName, environmentSchema } from "./schema.js";
import { staging } from "./staging.js";

/** The reference values of each environment, before overrides. */
export const ENVIRONMENTS: Readonly<Record<EnvironmentName, Environment>> = { dev, staging, prod };

/** A validated environment with its derived values. */
export type ResolvedEnvironment = Environment & { readonly derived: Derived };

/** Thrown when an environment (after overrides) breaks the schema or a cross-field rule. */
export class EnvironmentValidationError extends Error {
  readonly environment: string;
  readonly issues: readonly RuleIssue[];
  constructor(environment: string, issues: readonly RuleIssue[]) {
    super(
      `Invalid environment "${environment}":\n${issues.map((i) => `  - ${environment}: ${i.path}: ${i.message}`).join("\n")}`,
    );
    this.environment = environment;
    this.issues = issues;
    this.name = "EnvironmentValidationError";
  }
}

/** Thrown for a name that is not one of dev, staging, prod. */
export class UnknownEnvironmentError extends Error {
  readonly environment: string;
  constructor(environment: string) {
    super(`Unknown environment "${environment}". Valid environments: ${ENVIRONMENT_NAMES.join(", ")}`);
    this.environment = environment;
    this.name = "UnknownEnvironmentError";
  }
}

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/**
 * The field names a schema allows at `path` (through optionals, arrays and unions): what an unknown
 * key is compared with for a "did you mean".
 */
export function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & {
    shape?: Record<string, z.core.$ZodType>;
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
    element?: z.core.$ZodType;
    options?: z.core.$ZodType[];
  };
  if (def.innerType) return keysAt(def.innerType, path);
  if (def.in) return keysAt(def.in, path);
  if (def.element) return typeof path[0] === "number" ? keysAt(def.element, path.slice(1)) : [];
  if (def.options) return [...new Set(def.options.flatMap((o) => keysAt(o, path)))];
  if (!def.shape) return [];
  if (path.length === 0) return Object.keys(def.shape);
  const next = def.shape[String(path[0])];
  return next ? keysAt(next, path.slice(1)) : [];
}

function zodIssues(error: z.ZodError): RuleIssue[] {
  return error.issues.flatMap((i) => {
    const at = (key?: string) => [...i.path, ...(key === undefined ? [] : [key])].join(".") || "(root)";
    if (i.code !== "unrecognized_keys") return [{ path: at(), message: i.message }];
    const allowed = keysAt(environmentSchema, i.path);
    return i.keys.map((key) => ({ path: at(key), message: `unknown key${didYouMean(key, allowed)}` }));
  });
}

/**
 * Validate an environment (schema, then cross-field rules) and compute its derived values.
 * Throws EnvironmentValidationError listing every problem, each with its field path.
 */
export function validateEnvironment(name: string, candidate: unknown): ResolvedEnvironment {
  const parsed = environmentSchema.safeParse(candidate);
  if (!parsed.success) throw new EnvironmentValidationError(name, zodIssues(parsed.error));
  const env = parsed.data;
  const issues = checkRules(env);
  if (env.name !== name)
    issues.unshift({ path: "name", message: `is "${env.name}" but the environment is "${name}"` });
  if (issues.length > 0) throw new EnvironmentValidationError(name, issues);
  return { ...env, derived: derive(env) };
}

/**
 * The environment `name` with `overrides` (partial, e.g. from Pulumi stack config) deep-merged over its
 * reference values, validated by the same schema and rules.
 */
export function resolveEnvironment(name: string, overrides?: unknown): ResolvedEnvironment {
  if (!isEnvironmentName(name)) throw new UnknownEnvironmentError(name);
  return validateEnvironment(name, deepMerge(ENVIRONMENTS[name], overrides));
}
