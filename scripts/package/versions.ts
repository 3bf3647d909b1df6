/**
 * The published packages' versions: the root package.json `version` is the one place it is set, and
 * `@mcp-stack/contract` follows it (its own `version` and mcp-stack's exact dependency on it), so a
 * consumer never pairs an mcp-stack with a contract it was not built against.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const version = z.string().regex(SEMVER, "must be a semantic version such as 1.2.3");

const RootManifest = z.looseObject({
  name: z.literal("mcp-stack"),
  version,
  dependencies: z.looseObject({ "@mcp-stack/contract": z.string() }),
});
const ContractManifest = z.looseObject({ name: z.literal("@mcp-stack/contract"), version });

export const CONTRACT_DIR = "contract";

function read<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`);
    throw new Error(`${file}: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** The version the root sets and the two places that must repeat it, as they are now. */
export function packageVersions(root: string) {
  const rootManifest = read(path.join(root, "package.json"), RootManifest);
  const contract = read(path.join(root, CONTRACT_DIR, "package.json"), ContractManifest);
  return {
    version: rootManifest.version,
    contractVersion: contract.version,
    contractDependency: rootManifest.dependencies["@mcp-stack/contract"],
  };
}

/**
 * Writes the root's version into the contract's package.json and into mcp-stack's dependency on it;
 * returns the files it changed.
 */
export function syncVersions(root: string): string[] {
  const { version: target } = packageVersions(root);
  const changed: string[] = [];
  const edit = (file: string, apply: (manifest: Record<string, unknown>) => boolean) => {
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    if (apply(manifest)) {
      writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
      changed.push(path.relative(root, file));
    }
  };
  edit(path.join(root, CONTRACT_DIR, "package.json"), (m) => {
    if (m.version === target) return false;
    m.version = target;
    return true;
  });
  edit(path.join(root, "package.json"), (m) => {
    const deps = m.dependencies as Record<string, string>;
    if (deps["@mcp-stack/contract"] === target) return false;
    deps["@mcp-stack/contract"] = target;
    return true;
  });
  return changed;
}
