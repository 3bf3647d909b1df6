import { parse } from "yaml";

/**
 * The Pulumi CLI's rules for project and stack configuration, as the CLI applies them before any
 * program runs. Read from pulumi/pulumi (v3.2xx), `sdk/go/common/workspace`:
 * - `project.go` `(*Project).Validate`: a key may not have both `default` and `value`; a key of the
 *   project's namespace (no colon, or `<project>:`) that declares `type: array` needs `items`, and a
 *   typed `default` must match its type; a key of another namespace (`pulumi:`, `aws:`) may declare
 *   neither `type` nor `default` and must have a `value`.
 * - `project.go` `ValidateConfigValue`: string, integer (a whole number, or a string that parses as
 *   one), boolean (`true`/`false`, or those strings), array (each item of `items` type).
 * - `config.go` `mergeConfig`: a project-namespaced key with neither `default` nor `value` that a stack
 *   does not set is an error ("Stack 'prod' is missing configuration value 'environment'"), all such
 *   keys reported at once; then every explicitly typed key's stack value must match its type
 *   ("Stack 'prod' with configuration key 'x' must be of type 'integer'").
 * - `resource/config/key.go` `ParseKey`: stack file keys are `<namespace>:<name>`.
 * The messages below are the CLI's own wording, so a failing test reads like `pulumi preview` would.
 */

type ConfigType = "string" | "integer" | "boolean" | "array";

interface ItemsType {
  readonly type: ConfigType;
  readonly items?: ItemsType;
}

interface ProjectConfigType {
  readonly type?: ConfigType;
  readonly items?: ItemsType;
  readonly description?: string;
  readonly secret?: boolean;
  readonly default?: unknown;
  readonly value?: unknown;
}

export interface PulumiProject {
  readonly name: string;
  readonly config: Readonly<Record<string, ProjectConfigType>>;
}

function isNamespacedByProject(project: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${project}:`);
}

function typeName(type: ConfigType, items?: ItemsType): string {
  return items ? `array<${typeName(items.type, items.items)}>` : type;
}

/** `ValidateConfigValue`. */
export function matchesType(type: ConfigType, items: ItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      if (typeof value === "number") return Number.isInteger(value);
      return typeof value === "string" && /^[+-]?\d+$/.test(value);
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "array":
      return (
        Array.isArray(value) &&
        items !== undefined &&
        value.every((v) => matchesType(items.type, items.items, v))
      );
  }
}

/** Parse Pulumi.yaml; throws the CLI's first `Validate` error. */
export function loadProject(text: string): PulumiProject {
  const raw = parse(text) as { name?: string; runtime?: unknown; config?: Record<string, ProjectConfigType> };
  if (!raw.name) throw new Error("project is missing a 'name' attribute");
  if (!raw.runtime) throw new Error("project is missing a 'runtime' attribute");
  const project: PulumiProject = { name: raw.name, config: raw.config ?? {} };
  for (const [key, t] of Object.entries(project.config)) {
    if (t.default !== undefined && t.value !== undefined)
      throw new Error(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    if (isNamespacedByProject(project.name, key)) {
      if (t.type === "array" && t.items === undefined)
        throw new Error(
          `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
        );
      if (t.type !== undefined && t.default !== undefined && !matchesType(t.type, t.items, t.default))
        throw new Error(
          `The default value specified for configuration key '${key}' is not of the expected type '${typeName(t.type, t.items)}'`,
        );
    } else {
      if (t.type !== undefined)
        throw new Error(
          `Configuration key '${key}' is not namespaced by the project and should not define a type`,
        );
      if (t.default !== undefined)
        throw new Error(
          `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
        );
      if (t.value === undefined)
        throw new Error(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
  }
  return project;
}

/** A stack file's config values (`secure:` values stay opaque objects, as the CLI holds them). */
export function loadStackConfig(text: string): Record<string, unknown> {
  const raw = (parse(text) as { config?: Record<string, unknown> } | null) ?? {};
  const config = raw.config ?? {};
  for (const key of Object.keys(config)) {
    const parts = key.split(":");
    if (parts.length < 2 || parts.some((p) => p === ""))
      throw new Error(
        `could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`,
      );
  }
  return config;
}

function formatKeys(keys: string[]): string {
  if (keys.length === 1) return `'${keys[0]}'`;
  const sorted = [...keys].sort();
  const quoted = sorted.map((k) => `'${k}'`);
  return `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`;
}

/**
 * `mergeConfig` + `validateStackConfigValues`: the errors `pulumi preview -s <stack>` would stop with
 * (missing keys first, all at once; then the first type mismatch), or none. Returns the merged config
 * (defaults and values applied) when valid.
 */
export function mergeStackConfig(
  stack: string,
  project: PulumiProject,
  stackConfig: Record<string, unknown>,
): { errors: string[]; merged: Record<string, unknown> } {
  const merged: Record<string, unknown> = { ...stackConfig };
  const missing: string[] = [];
  for (const key of Object.keys(project.config).sort()) {
    const t = project.config[key] as ProjectConfigType;
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const found = full in stackConfig;
    const hasDefault = t.default !== undefined;
    const hasValue = t.value !== undefined;
    if (!found && !hasValue && !hasDefault && isNamespacedByProject(project.name, key)) {
      missing.push(key);
      continue;
    }
    if (!found) merged[full] = hasDefault ? t.default : t.value;
  }
  if (missing.length > 0)
    return {
      errors: [
        `Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${formatKeys(missing)}`,
      ],
      merged,
    };
  for (const key of Object.keys(project.config).sort()) {
    const t = project.config[key] as ProjectConfigType;
    if (t.type === undefined) continue;
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const value = merged[full];
    const secure = typeof value === "object" && value !== null && "secure" in value;
    if (t.secret && !secure && full in stackConfig)
      return {
        errors: [`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`],
        merged,
      };
    if (secure || value === undefined) continue;
    if (!matchesType(t.type, t.items, value))
      return {
        errors: [
          `Stack '${stack}' with configuration key '${key}' must be of type '${typeName(t.type, t.items)}'`,
        ],
        merged,
      };
  }
  return { errors: [], merged };
}
