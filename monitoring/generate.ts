import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedFiles } from "./files.js";

/** `npm run generate:monitoring`: write every generated monitoring file (paths relative to the repo). */
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [path, text] of Object.entries(generatedFiles())) {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${path}`);
}
