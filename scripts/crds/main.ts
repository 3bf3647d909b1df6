/**
 * npm run crds:generate [-- --out <dir>]
 *
 * Writes the CRD types and schemas of scripts/crds/sources.ts to infra/k8s/lib/crds/generated/ (or <dir>),
 * from the operator modules engines/crds/go.mod pins; a file no source makes any more is removed.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../engines/build.js";
import { GENERATED_DIR, generateCrdFiles } from "./generate.js";

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const out = outAt >= 0 && args[outAt + 1] ? resolve(args[outAt + 1]!) : join(REPO_ROOT, GENERATED_DIR);
const files = await generateCrdFiles();
mkdirSync(out, { recursive: true });
for (const name of readdirSync(out)) if (!files.has(name)) rmSync(join(out, name));
for (const [name, text] of files) writeFileSync(join(out, name), text);
console.log(`${files.size} files in ${out}`);
