import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Write generated monitoring files (paths relative to the repo), as `npm run generate:monitoring`
 * (scripts/generate-monitoring.ts) does with generatedFiles() of the environments' deployments.
 */
export function writeGeneratedFiles(files: Readonly<Record<string, string>>, root = ROOT): void {
  for (const [path, text] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    console.log(`wrote ${path}`);
  }
}
