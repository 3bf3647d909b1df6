import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The one layout of docs/infra-layout.md: every building block of infra/ is a folder
 * `infra/<area>/<component>/` with the same file names, helpers shared by several components live in a
 * `lib/` folder, and no two source files of infra/, monitoring/ and stacks/ share a name unless they
 * do the same job in parallel places.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const AREAS = ["docker", "k8s", "monitoring"] as const;
/** Every component folder has these; objects.ts and crds.ts only where there is something to put in them. */
const REQUIRED = ["args.ts", "component.ts", "index.ts"];
/**
 * Components whose validator does not follow `validate<Class>Args`, and why: the names are part of the
 * package's exports (test/package/infra-exports.test.ts), so giving them the rule's name is a change of
 * the public API, not a move.
 */
const VALIDATOR_EXCEPTIONS: Record<string, string> = {
  EnvironmentNamespace:
    "has no validator: its Args are a name, labels, annotations and a level the type restricts",
  PgvectorPostgres: "exports validatePostgresArgs, the name it had before the rule",
};

const isDir = (p: string) => statSync(path.join(ROOT, p)).isDirectory();
const list = (dir: string) => readdirSync(path.join(ROOT, dir)).sort();
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.parentPath.includes("node_modules"))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** "McpBackend" → "mcp-backend": the folder a component class lives in. */
function kebab(className: string): string {
  return className.replace(/(?<=[a-z0-9])([A-Z])/g, "-$1").toLowerCase();
}

const COMPONENT_CLASS = /export class (\w+) extends pulumi\.ComponentResource\b/g;
const componentFolders = AREAS.flatMap((area) =>
  list(`infra/${area}`)
    .filter((name) => name !== "lib" && isDir(`infra/${area}/${name}`))
    .map((name) => `infra/${area}/${name}`),
);

describe("infra/", () => {
  it("holds index.ts, lib/ and the areas, nothing else", () => {
    expect(list("infra")).toEqual(["docker", "index.ts", "k8s", "lib", "monitoring"]);
  });

  it.each(AREAS)("infra/%s holds index.ts, lib/ and component folders, no loose source file", (area) => {
    const loose = list(`infra/${area}`).filter((n) => !isDir(`infra/${area}/${n}`) && n !== "index.ts");
    expect(loose).toEqual([]);
  });

  it("finds the component folders (the walk is not blind)", () => {
    expect(componentFolders).toContain("infra/k8s/mcp-backend");
    expect(componentFolders).toContain("infra/monitoring/prometheus");
    expect(componentFolders).toContain("infra/docker/dev-app");
    expect(componentFolders.length).toBeGreaterThanOrEqual(21);
  });

  it.each(componentFolders)("%s has args.ts, component.ts and index.ts, and no subfolder", (folder) => {
    const names = list(folder);
    expect(REQUIRED.filter((n) => !names.includes(n))).toEqual([]);
    expect(names.filter((n) => isDir(`${folder}/${n}`))).toEqual([]);
  });

  it.each(componentFolders)("%s/component.ts is the one component, named for the folder", (folder) => {
    const classes = [...read(`${folder}/component.ts`).matchAll(COMPONENT_CLASS)].map((m) => m[1]!);
    expect(classes).toHaveLength(1);
    const [cls] = classes as [string];
    expect(kebab(cls)).toBe(path.basename(folder));
    // The type token names the class, so the component's URNs do not depend on where the file is.
    expect(read(`${folder}/component.ts`)).toContain(`componentType("${cls}")`);
    expect(read(`${folder}/index.ts`)).toMatch(/from "\.\/component\.js"/);
  });

  it.each(componentFolders)("%s/args.ts holds the component's Args and its validator", (folder) => {
    const cls = [...read(`${folder}/component.ts`).matchAll(COMPONENT_CLASS)][0]![1]!;
    const args = read(`${folder}/args.ts`);
    expect(args).toMatch(new RegExp(`export interface ${cls}Args\\b`));
    if (VALIDATOR_EXCEPTIONS[cls] === undefined)
      expect(args).toMatch(new RegExp(`export function validate${cls}Args\\(`));
  });

  it("declares every ComponentResource in a component folder's component.ts", () => {
    const inComponentFile = (f: string) =>
      path.basename(f) === "component.ts" && componentFolders.includes(path.dirname(f));
    const elsewhere = sources("infra").filter((f) => read(f).match(COMPONENT_CLASS) && !inComponentFile(f));
    expect(elsewhere).toEqual([]);
  });

  it("names only real components in the validator exceptions", () => {
    const classes = componentFolders.map(
      (f) => [...read(`${f}/component.ts`).matchAll(COMPONENT_CLASS)][0]![1],
    );
    expect(Object.keys(VALIDATOR_EXCEPTIONS).filter((c) => !classes.includes(c))).toEqual([]);
  });
});

/**
 * Names two files may share because they do the same job in parallel places; any other name belongs to
 * one file. `where` says which places.
 */
const SHARED_NAMES: Record<string, { where: RegExp; job: string }> = {
  "index.ts": { where: /(^|\/)index\.ts$/, job: "a folder's entry: what it exports" },
  "args.ts": { where: /^infra\/[^/]+\/[^/]+\/args\.ts$/, job: "a component's Args, defaults and validator" },
  "objects.ts": { where: /^infra\/[^/]+\/[^/]+\/objects\.ts$/, job: "a component's pure object builders" },
  "component.ts": { where: /^infra\/[^/]+\/[^/]+\/component\.ts$/, job: "a component's ComponentResource" },
  "crds.ts": { where: /^infra\/[^/]+\/[^/]+\/crds\.ts$/, job: "the custom resources a component emits" },
  "deploy.ts": { where: /^stacks\/[^/]+\/deploy\.ts$/, job: "one target's deployment of an environment" },
};

describe("file names", () => {
  const files = ["infra", "monitoring", "stacks"].flatMap(sources);

  it("finds the files it compares (the walk is not blind)", () => {
    expect(files).toContain("stacks/index.ts");
    expect(files).toContain("infra/k8s/lib/kube-parts.ts");
  });

  it("gives a name to one file, unless every file of that name does the same job", () => {
    const byName = new Map<string, string[]>();
    for (const f of files) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
    const clashes = [...byName.entries()]
      .filter(([name, paths]) => paths.length > 1 && SHARED_NAMES[name] === undefined)
      .map(([name, paths]) => `${name}: ${paths.join(", ")}`);
    expect(clashes).toEqual([]);
  });

  it.each(Object.entries(SHARED_NAMES))("%s appears only where it has its one job", (name, { where }) => {
    expect(files.filter((f) => path.basename(f) === name && !where.test(f))).toEqual([]);
  });
});
