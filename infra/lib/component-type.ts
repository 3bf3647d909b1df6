import type * as pulumi from "@pulumi/pulumi";

/** The package name: the first part of every component's type token. */
export const PACKAGE_NAME = "mcp-stack";

/**
 * The type token of a component: `<package>:index:<Class>`, the token the Pulumi component analyzer
 * gives it in the schema other languages use (it dictates the `index` module), so a component
 * constructed from TypeScript and one constructed through the plugin host are the same resource type.
 */
export function componentType(className: string): string {
  return `${PACKAGE_NAME}:index:${className}`;
}

/**
 * The token components registered under before they took the schema's token. An alias to it keeps
 * resources deployed under the old token (and, by the engine's parent-alias inheritance, their
 * children) from being replaced; drop it once no stack holds the old URNs.
 */
export function legacyComponentType(className: string): string {
  return `${PACKAGE_NAME}:infra:${className}`;
}

/** The caller's options plus the alias to the legacy token. */
export function componentOptions(
  className: string,
  opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: legacyComponentType(className) }] };
}
