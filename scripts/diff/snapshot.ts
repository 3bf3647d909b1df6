import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { SnapshotResource } from "./preview.js";

/**
 * Render one environment of a source tree (this one, or a base revision extracted to a temp dir) with
 * that tree's own code, keeping each resource's Pulumi type and logical name. Runs in-process for the
 * head and as `tsx scripts/diff/snapshot.ts <tree> <env> <out.json>` for a base, since the SDK's mocks
 * are process-global and each tree has its own copy of the program.
 */

/** What a tree must export for its code to be rendered; older or restructured trees fall back. */
interface TreeModules {
  runUnderMocks(
    stack: string,
    options: { config?: Record<string, unknown>; secrets?: Record<string, string> },
  ): Promise<{
    resources: readonly {
      type: string;
      name: string;
      inputs: Record<string, unknown>;
      options?: { protect?: boolean };
    }[];
  }>;
  RENDER_CONFIG: Record<string, Record<string, unknown>>;
  placeholderSecrets(): Record<string, string>;
  unwrapSecrets(v: unknown): unknown;
  maskSecrets(o: Record<string, unknown>): Record<string, unknown>;
}

/** Thrown when a tree does not have the render entry points this script knows. */
export class NotRenderableError extends Error {}

async function load(tree: string): Promise<TreeModules> {
  try {
    const mock = await import(pathToFileURL(join(tree, "stacks", "mock-run.ts")).href);
    const render = await import(pathToFileURL(join(tree, "stacks", "kubernetes", "render.ts")).href);
    const m = { ...mock, ...render } as Partial<TreeModules>;
    for (const k of [
      "runUnderMocks",
      "RENDER_CONFIG",
      "placeholderSecrets",
      "unwrapSecrets",
      "maskSecrets",
    ] as const)
      if (m[k] === undefined) throw new NotRenderableError(`${tree} has no ${k}`);
    return m as TreeModules;
  } catch (error) {
    if (error instanceof NotRenderableError) throw error;
    throw new NotRenderableError(`${tree}: ${(error as Error).message}`);
  }
}

const SECRET_TOKEN = /RENDERSECRET([A-Za-z0-9]+?)XX/g;

/** Every Kubernetes resource (and Helm release) the tree's program registers for `env`, secrets masked. */
export async function snapshot(
  tree: string,
  env: string,
  config?: Readonly<Record<string, unknown>>,
  /** Secret values over the placeholders; a value of the form RENDERSECRET<word>XX stays masked. */
  secrets?: Readonly<Record<string, string>>,
): Promise<SnapshotResource[]> {
  const m = await load(tree);
  const run = await m.runUnderMocks(env, {
    config: { ...(config ?? m.RENDER_CONFIG[env]) },
    secrets: { ...m.placeholderSecrets(), ...secrets },
  });
  return run.resources
    .filter((r) => r.type.startsWith("kubernetes:"))
    .map((r) => {
      const plain = m.unwrapSecrets(r.inputs) as Record<string, unknown>;
      // Helm releases are not objects maskSecrets knows; their placeholders are masked the same way.
      const object =
        typeof plain.kind === "string"
          ? m.maskSecrets(plain)
          : (JSON.parse(
              JSON.stringify(plain).replace(SECRET_TOKEN, (_, k: string) => `<secret:${k}>`),
            ) as Record<string, unknown>);
      return { type: r.type, name: r.name, protect: r.options?.protect ?? false, object };
    });
}

// As a script: render a (base) tree into a JSON file; exit 3 when the tree cannot be rendered this way.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [tree, env, out] = process.argv.slice(2) as [string, string, string];
  try {
    writeFileSync(out, JSON.stringify(await snapshot(tree, env)));
  } catch (error) {
    console.error(String((error as Error).message));
    process.exitCode = error instanceof NotRenderableError ? 3 : 1;
  }
}
