/**
 * Removes a build output directory before tsc writes it again (`npm run build`, hence `prepack`): tsc
 * only adds and overwrites, so a module deleted from the sources would otherwise stay in dist/ and
 * ship in the next tarball.
 */
import { rmSync } from "node:fs";
import path from "node:path";

const [dir, ...extra] = process.argv.slice(2);
if (!dir || extra.length > 0 || path.isAbsolute(dir) || dir.split(/[\\/]/).includes("..")) {
  console.error("usage: node scripts/package/clean.ts <directory inside the current package, e.g. dist>");
  process.exit(2);
}
rmSync(dir, { recursive: true, force: true });
