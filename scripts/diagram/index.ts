import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { KubeObject } from "../../policy/rules/index.js";
import { buildGraph } from "./graph.js";
import { drawSvg } from "./svg.js";

export const DIAGRAM_FILE = "diagram.svg";

/** The SVG of one environment's objects. */
export function diagramSvg(env: string, objects: readonly KubeObject[]): Promise<string> {
  return drawSvg(buildGraph(objects), `mcp-stack ${env}: workloads, Services, data stores and allowed flows`);
}

/** The objects of `<dir>/<env>/*.yaml` (Helm releases, which are not objects, left out). */
export function readRendered(dir: string, env: string): KubeObject[] {
  const envDir = join(dir, env);
  return readdirSync(envDir)
    .filter((f) => f.endsWith(".yaml") && !f.startsWith("helmrelease-"))
    .sort()
    .map((f) => parse(readFileSync(join(envDir, f), "utf8")) as KubeObject);
}

/** Problems with `<dir>/<env>/diagram.svg` against a fresh drawing (empty = up to date). */
export function staleDiagram(dir: string, env: string, fresh: string): string[] {
  const file = join(dir, env, DIAGRAM_FILE);
  if (!existsSync(file)) return [`${env}/${DIAGRAM_FILE} is missing`];
  return readFileSync(file, "utf8") === fresh
    ? []
    : [`${env}/${DIAGRAM_FILE} differs (run \`npm run render\`)`];
}

/** Draw `<dir>/<env>/diagram.svg` from the YAML beside it. */
export async function writeDiagram(dir: string, env: string): Promise<string> {
  const svg = await diagramSvg(env, readRendered(dir, env));
  writeFileSync(join(dir, env, DIAGRAM_FILE), svg);
  return join(dir, env, DIAGRAM_FILE);
}
