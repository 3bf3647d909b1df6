import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The arrows of /work/shared/architecture.json that say "never", checked on import specifiers: the
 * building blocks know no stack, environment model or monitoring code (they take its rendered output as
 * Args), the model is pure data, a policy reads resources and pack config, never a model, the app
 * knows no IaC and takes shared names from the contract, and the contract imports nothing of ours.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const PARTS = ["contract", "app", "environments", "stacks", "infra", "monitoring", "policy"] as const;
type Part = (typeof PARTS)[number];

const NEVER: Record<Part, readonly Part[]> = {
  contract: ["app", "environments", "stacks", "infra", "monitoring"],
  app: ["stacks", "infra", "environments", "monitoring"],
  environments: ["infra", "stacks"],
  infra: ["stacks", "environments", "monitoring"],
  monitoring: ["stacks", "environments"],
  policy: ["environments", "stacks"],
  stacks: [],
};

/** Every `never` arrow of the reference design, by its parts' names there. */
const DESIGN = JSON.parse(readFileSync("/work/shared/architecture.json", "utf8")) as {
  parts: Record<string, { is: string[] }>;
  never: [from: string, to: string, why: string][];
};

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.parentPath.includes("node_modules"))
    .filter((e) => !e.parentPath.includes(`${path.sep}dist`))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;

/** The part a specifier of `file` lands in, or undefined for third-party and node: modules. */
function partOf(file: string, specifier: string): Part | undefined {
  if (specifier === "@mcp-stack/contract" || specifier.startsWith("@mcp-stack/contract/")) return "contract";
  if (!specifier.startsWith(".")) return undefined;
  const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
  return PARTS.find((p) => target === p || target.startsWith(`${p}/`));
}

function imports(file: string): { specifier: string; part: Part | undefined }[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  return [...text.matchAll(SPECIFIER)].map((m) => {
    const specifier = (m[1] ?? m[2])!;
    return { specifier, part: partOf(file, specifier) };
  });
}

describe("import direction", () => {
  it.each(PARTS)("%s imports none of the parts it must never import", (part) => {
    const dir = part === "app" ? "app/src" : part === "contract" ? "contract/src" : part;
    const bad = sources(dir).flatMap((file) =>
      imports(file)
        .filter((i) => i.part !== undefined && i.part !== part && NEVER[part].includes(i.part))
        .map((i) => ({ file, edge: `${file} -> ${i.specifier}` })),
    );
    expect(bad.map((b) => b.edge)).toEqual([]);
  });

  it("checks every never arrow of the reference design", () => {
    const part = (name: string) => DESIGN.parts[name]?.is[0]?.replace(/\/$/, "") as Part;
    const missing = DESIGN.never
      .filter(([from, to]) => !NEVER[part(from)]?.includes(part(to)))
      .map(([from, to]) => `${from} -> ${to}`);
    expect(missing).toEqual([]);
  });

  it("the contract imports nothing at all besides its own files", () => {
    const foreign = sources("contract/src").flatMap((file) =>
      imports(file)
        .filter((i) => !i.specifier.startsWith("./"))
        .map((i) => `${file} -> ${i.specifier}`),
    );
    expect(foreign).toEqual([]);
  });

  it("finds the imports it checks (the scanner is not blind)", () => {
    expect(imports("stacks/index.ts").length).toBeGreaterThan(0);
    expect(partOf("stacks/index.ts", "../environments/index.js")).toBe("environments");
    expect(partOf("app/src/main.ts", "@mcp-stack/contract")).toBe("contract");
  });
});
