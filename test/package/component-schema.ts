import { createRequire } from "node:module";
import path from "node:path";

/**
 * The Node SDK's component analyzer (what `pulumi package add` runs through the plugin host) over this
 * package, and a compact form of its schema the tests can pin: `type` or `$ref`, `?` for optional,
 * `[]` for arrays, `{}` for maps, `input` when the property takes an Input (not plain), `(input T)` for
 * an item that does.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);

type PropertyDefinition = {
  type?: string;
  $ref?: string;
  description?: string;
  optional?: boolean;
  plain?: boolean;
  items?: PropertyDefinition;
  additionalProperties?: PropertyDefinition;
};
interface ComponentDefinition {
  name: string;
  description?: string;
  inputs: Record<string, PropertyDefinition>;
  outputs: Record<string, PropertyDefinition>;
}
interface AnalyzeResult {
  components: Record<string, ComponentDefinition>;
  typeDefinitions: Record<string, { properties?: Record<string, PropertyDefinition> }>;
  dependencies: unknown[];
}
interface AnalyzerInternals {
  analyze(): AnalyzeResult;
  componentNames: Set<string>;
  components: Record<string, ComponentDefinition>;
}

const { Analyzer } = require("@pulumi/pulumi/provider/experimental/analyzer.js") as {
  Analyzer: new (dir: string, name: string, pkg: unknown, names: Set<string>) => AnalyzerInternals;
};
const { generateSchema } = require("@pulumi/pulumi/provider/experimental/schema.js") as {
  generateSchema: (...args: unknown[]) => PulumiSchema;
};

export interface PulumiSchema {
  name: string;
  resources: Record<
    string,
    {
      isComponent: boolean;
      description?: string;
      inputProperties: Record<string, PropertyDefinition>;
      requiredInputs: string[];
      properties: Record<string, PropertyDefinition>;
    }
  >;
  types: Record<string, { properties?: Record<string, PropertyDefinition> }>;
}

/** The package's name as the plugin host derives the provider name from it. */
export const PROVIDER = "mcp-stack";

/**
 * One analyzer (one TypeScript program over tsconfig.json, the slow part) for `components`, then the
 * schema the plugin host would serve. `rejected(name)` asks the same program about one more component
 * and returns the analyzer's error (it resets the analyzer's private bookkeeping, as constructing a new
 * one would, without a second program).
 */
export function analyzePackage(pkg: Record<string, unknown>, components: readonly string[]) {
  const analyzer = new Analyzer(ROOT, PROVIDER, pkg, new Set(components));
  const result = analyzer.analyze();
  const schema = generateSchema(
    PROVIDER,
    pkg.version,
    pkg.description,
    result.components,
    result.typeDefinitions,
    result.dependencies,
  );
  const rejected = (name: string): string | undefined => {
    analyzer.componentNames = new Set([name]);
    analyzer.components = {};
    try {
      analyzer.analyze();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  return { result, schema, rejected };
}

/** A property as one short string: "string", "number?", "input string", "#/types/…:Foo[]", "{}string". */
export function compact(p: PropertyDefinition, output = false): string {
  // An item that takes an Input (not plain) reads "(input T)"; output items are never marked.
  const item = (i: PropertyDefinition) => {
    const t = compact({ ...i, optional: false, plain: true }, output);
    return !output && i.plain !== true ? `(input ${t})` : t;
  };
  const t = p.$ref
    ? p.$ref.replace(`#/types/${PROVIDER}:index:`, "")
    : p.type === "array"
      ? `${item(p.items!)}[]`
      : p.type === "object" && p.additionalProperties
        ? `{}${item(p.additionalProperties)}`
        : p.type!;
  return `${!output && p.plain !== true ? "input " : ""}${t}${p.optional ? "?" : ""}`;
}

export function compactAll(
  props: Record<string, PropertyDefinition>,
  output = false,
): Record<string, string> {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, compact(v, output)]));
}
