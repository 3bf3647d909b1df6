/**
 * Generates infra/k8s/lib/crds/generated/: for each kind of scripts/crds/sources.ts, a TypeScript interface
 * (json-schema-to-typescript) and a zod schema (json-schema-to-zod) of the object this project may write,
 * from the `openAPIV3Schema` of the CRD manifest in the operator's Go module (engines/crds/go.mod pins
 * the version, `go mod download -json` says where the module cache holds it).
 *
 * The schema is made strict on the way: the API server prunes every field a structural schema does not
 * name, without an error, so a misspelt field would vanish between `pulumi up` and the operator. Each
 * object that neither lists `additionalProperties` nor sets `x-kubernetes-preserve-unknown-fields` gets
 * `additionalProperties: false`, which is what pruning means, said as a rejection.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, type JSONSchema } from "json-schema-to-typescript";
import { jsonSchemaToZod } from "json-schema-to-zod";
import { parseAllDocuments } from "yaml";
import { ENGINES_DIR, REPO_ROOT } from "../engines/build.js";
import { CRD_SOURCES, type CrdSource } from "./sources.js";

/** Where the generated files live, relative to the repository root. */
export const GENERATED_DIR = "infra/k8s/lib/crds/generated";

type Schema = { [key: string]: unknown };

/** A module as `go mod download -json` reports it. */
interface DownloadedModule {
  readonly Path: string;
  readonly Version: string;
  readonly Dir?: string;
  readonly Error?: string;
}

/** The module cache folder of each module, at the version engines/crds/go.mod requires. */
export function downloadModules(paths: readonly string[]): Map<string, DownloadedModule> {
  const r = spawnSync("go", ["mod", "download", "-json", ...paths], {
    cwd: join(ENGINES_DIR, "crds"),
    // go.sum as committed, and the machine's own Go (never a toolchain download).
    env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
    encoding: "utf8",
  });
  if (r.error) throw new Error(`go mod download: ${r.error.message} (is Go installed?)`);
  // One JSON object per module, one after the other; only their braces start a line.
  const modules = (r.stdout ?? "")
    .trim()
    .split(/\n(?=\{)/)
    .filter((s) => s.length > 0)
    .map((s) => JSON.parse(s) as DownloadedModule);
  const failed = modules.filter((m) => m.Error || !m.Dir);
  if (r.status !== 0 || failed.length > 0) {
    const why = failed.map((m) => `${m.Path}: ${m.Error ?? "no Dir"}`).join("\n") || (r.stderr ?? "");
    throw new Error(`go mod download in engines/crds failed:\n${why}`);
  }
  return new Map(modules.map((m) => [m.Path, m]));
}

// Keywords of a structural schema that carry no type and that these generators cannot check; their
// count goes into each file's header, and infra/k8s/<operator>/crds.ts refines what the project needs.
const UNCHECKED = [
  "x-kubernetes-validations",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  // json-schema-to-zod has no check for these two.
  "minProperties",
  "maxProperties",
] as const;
// Annotations that change nothing in what an object may contain.
const IGNORED = new Set([
  "description",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-int-or-string",
  "x-kubernetes-preserve-unknown-fields",
]);
const KEPT = new Set([
  "type",
  "properties",
  "required",
  "items",
  "additionalProperties",
  "enum",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "default",
]);

export interface Counts {
  unchecked: number;
}

/**
 * The strict JSON schema of one node: unknown keywords stop the generator (a new one in an operator
 * bump must be looked at, not dropped), `format` survives only where zod checks it the API server's way.
 */
export function strictSchema(node: Schema, path: string, counts: Counts = { unchecked: 0 }): Schema {
  // An embedded object's apiVersion, kind and metadata are implicit: closing it would refuse them.
  if (node["x-kubernetes-embedded-resource"] !== undefined) throw new Error(`${path}: embedded resource`);
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (IGNORED.has(key)) continue;
    if ((UNCHECKED as readonly string[]).includes(key)) {
      // int-or-string is the one anyOf that types a value: both branches are kept below.
      if (!(key === "anyOf" && node["x-kubernetes-int-or-string"] === true)) counts.unchecked++;
      continue;
    }
    if (key === "format") {
      // int32/int64/double only bound numbers the type already says; date-time is checked.
      if (value === "date-time") out.format = value;
      continue;
    }
    if (!KEPT.has(key)) throw new Error(`${path}: unsupported schema keyword ${key}`);
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([name, sub]) => [
          name,
          strictSchema(sub, `${path}.${name}`, counts),
        ]),
      );
    } else if (key === "items" || (key === "additionalProperties" && typeof value === "object")) {
      out[key] = strictSchema(value as Schema, `${path}[]`, counts);
    } else {
      out[key] = value;
    }
  }
  if (node["x-kubernetes-int-or-string"] === true) {
    // The pattern (a quantity's, say) applies to the string form only.
    const str: Schema = { type: "string" };
    if (out.pattern !== undefined) str.pattern = out.pattern;
    delete out.pattern;
    out.anyOf = [{ type: "integer" }, str];
  }
  if (node.type === "object" && node.additionalProperties === undefined) {
    out.additionalProperties = node["x-kubernetes-preserve-unknown-fields"] === true;
  }
  return out;
}

/** A copy without `default`: defaulting is the API server's job, and zod would fill the value in. */
function withoutDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDefaults);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== "default")
      .map(([k, v]) => [k, k === "enum" || k === "const" ? v : withoutDefaults(v)]),
  );
}

// The metadata is the API server's ObjectMeta, never part of a CRD's schema: infra/k8s/lib/crds/metadata.ts.
const METADATA = { tsType: "CrMetadata", "x-zod": "metadataSchema" };

interface Crd {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly {
      readonly name: string;
      readonly schema: { readonly openAPIV3Schema: Schema };
    }[];
  };
}

function findCrd(text: string, source: CrdSource): Crd {
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Crd | null);
  const crd = docs.find((d) => d?.spec?.names?.kind === source.kind);
  if (!crd) throw new Error(`${source.file}: no CustomResourceDefinition of kind ${source.kind}`);
  return crd;
}

// json-schema-to-zod's exports hide its package.json: read it beside node_modules' copy.
const toolVersion = (name: string): string =>
  (
    JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

/** camelCase of a kind, for the schema's name: ScheduledBackup → scheduledBackup. */
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The file name of a kind's generated module. */
export function generatedFileName(group: string, version: string, kind: string): string {
  return `${group}-${version}-${kind.toLowerCase()}.ts`;
}

/** One generated module: the interface `<Kind>` and the schema `<kind>Crd`. */
async function generateOne(source: CrdSource, module: DownloadedModule): Promise<[string, string]> {
  const crd = findCrd(readFileSync(join(module.Dir!, source.file), "utf8"), source);
  const served = crd.spec.versions.find((v) => v.name === source.version);
  if (!served) throw new Error(`${crd.metadata.name}: no version ${source.version}`);
  const root = served.schema.openAPIV3Schema;
  const rootProps = (root.properties ?? {}) as Record<string, Schema>;
  const counts: Counts = { unchecked: 0 };
  const body = Object.fromEntries(
    Object.entries(rootProps)
      // The API server checks these itself; status is the operator's to write.
      .filter(([name]) => !["apiVersion", "kind", "metadata", "status"].includes(name))
      .map(([name, sub]) => [name, strictSchema(sub, name, counts)]),
  );
  const apiVersion = `${crd.spec.group}/${source.version}`;
  const schema: Schema = {
    type: "object",
    additionalProperties: false,
    required: [
      "apiVersion",
      "kind",
      "metadata",
      ...((root.required ?? []) as string[]).filter((r) => r in body),
    ],
    properties: {
      apiVersion: { type: "string", const: apiVersion },
      kind: { type: "string", const: source.kind },
      metadata: METADATA,
      ...body,
    },
  };
  const types = await compile(schema as JSONSchema, source.kind, {
    bannerComment: "",
    additionalProperties: false,
    format: false,
    // Bounded arrays stay T[] (not a union of tuples); the zod schema checks the bounds.
    ignoreMinAndMaxItems: true,
  });
  const zod = jsonSchemaToZod(withoutDefaults(schema) as Schema, {
    module: "none",
    zodVersion: 4,
    parserOverride: (s) => (typeof s["x-zod"] === "string" ? s["x-zod"] : undefined),
  });
  const tools = ["json-schema-to-typescript", "json-schema-to-zod"].map((t) => `${t} ${toolVersion(t)}`);
  const header = [
    "// Generated by `npm run crds:generate` (scripts/crds/generate.ts). Do not edit.",
    `// From ${source.module}@${module.Version}, ${source.file}:`,
    `// CustomResourceDefinition ${crd.metadata.name} ${source.version}, openAPIV3Schema without status,`,
    "// made strict (an unknown field is an error where the API server would prune it). Not checked here:",
    `// ${counts.unchecked} CEL, anyOf/oneOf/allOf/not or min/maxProperties rule(s) of the CRD.`,
    `// Tools: ${tools.join(", ")}.`,
  ];
  const text = [
    ...header,
    'import { z } from "zod";',
    'import { type CrMetadata, metadataSchema } from "../metadata.js";',
    "",
    types.trim(),
    "",
    `export const ${lowerFirst(source.kind)}Crd: z.ZodType<${source.kind}> = ${zod};`,
    "",
  ].join("\n");
  return [generatedFileName(crd.spec.group, source.version, source.kind), format(text)];
}

/** Biome, as the repository formats TypeScript, so the files read like the rest. */
function format(text: string): string {
  const biome = join(REPO_ROOT, "node_modules", ".bin", "biome");
  const r = spawnSync(biome, ["format", "--stdin-file-path=generated.ts"], {
    cwd: REPO_ROOT,
    input: text,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`biome format failed: ${r.stderr}`);
  return r.stdout;
}

/** Every generated file, by name, from the pinned modules. */
export async function generateCrdFiles(
  sources: readonly CrdSource[] = CRD_SOURCES,
): Promise<Map<string, string>> {
  const modules = downloadModules([...new Set(sources.map((s) => s.module))]);
  const files = new Map<string, string>();
  for (const source of sources) {
    const [name, text] = await generateOne(source, modules.get(source.module)!);
    files.set(name, text);
  }
  return files;
}
