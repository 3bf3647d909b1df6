import { join, relative, resolve } from "node:path";
import { ENVIRONMENT_NAMES, isEnvironmentName } from "../../environments/index.js";
import { REPO_ROOT } from "../render-cli.js";
import { writeDiagram } from "./index.js";

/**
 * `npm run diagram -- [<env>] [--dir <dir>]`: draw `<dir>/<env>/diagram.svg` (default rendered/) from
 * the rendered objects beside it. `npm run render` draws it too, so it never lags the manifests.
 */
const argv = process.argv.slice(2);
const at = argv.indexOf("--dir");
const dir =
  at >= 0 ? resolve(process.env.INIT_CWD ?? process.cwd(), argv[at + 1] ?? ".") : join(REPO_ROOT, "rendered");
const names = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--dir");
const bad = names.find((n) => !isEnvironmentName(n));
if (bad) {
  console.error(`error: unknown environment "${bad}"; one of ${ENVIRONMENT_NAMES.join(", ")}`);
  process.exitCode = 1;
} else
  for (const env of names.length ? names : ENVIRONMENT_NAMES)
    console.log(`${env}: ${relative(process.cwd(), await writeDiagram(dir, env))}`);
