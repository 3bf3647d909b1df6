import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderAll, summary } from "../stacks/kubernetes/render.js";

/**
 * `npm run render`: writes every Kubernetes object of dev (rendered for Kubernetes), staging and prod to
 * rendered/<env>/<kind>-<name>.yaml, from the same program `pulumi up` runs, with placeholder secrets.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "rendered");

const all = await renderAll();
for (const [env, files] of all) {
  const dir = join(root, env);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith(".yaml")) rmSync(join(dir, f));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  console.log(`${env}: ${files.size} objects (${summary(files)}) → rendered/${env}/`);
}
