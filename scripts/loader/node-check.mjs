// @ts-check
/**
 * First `--import` of every `node … scripts/*.ts` script in package.json. The scripts run on Node's own
 * type stripping (register.ts), which older Node.js lacks: Node 20 would die on register.ts with
 * ERR_UNKNOWN_FILE_EXTENSION and a stack trace. This file is JavaScript so any Node.js can load it, and
 * on a major below the pinned one (.node-version) it says what to run instead and exits 1.
 */
import { readFileSync } from "node:fs";

const root = new URL("../../", import.meta.url);
const pinned = readFileSync(new URL(".node-version", root), "utf8").trim();
const want = Number(pinned.split(".")[0]);
const have = Number(process.versions.node.split(".")[0]);

if (have < want) {
  const event = process.env.npm_lifecycle_event;
  // npm passes the words after `--` on to the script: they follow the script's path in argv.
  const args = process.argv.slice(2);
  const command = event
    ? `npm run ${event}${args.length ? ` -- ${args.join(" ")}` : ""}`
    : `node ${[...process.execArgv, ...process.argv.slice(1)].join(" ")}`;
  process.stderr.write(
    `This script needs Node.js ${want} (.node-version pins ${pinned}); this is Node.js ${process.versions.node}.\n` +
      "Run it through scripts/with-node.sh, which uses that Node.js or installs it into .tools/node:\n" +
      `  scripts/with-node.sh ${command}\n`,
  );
  process.exit(1);
}
