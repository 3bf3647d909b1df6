/**
 * Writes docker-compose.dev.yml from the dev model (`npm run generate:compose`); `--check` only
 * compares and exits 1 when the committed file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolveEnvironment } from "../environments/index.js";
import { COMPOSE_FILE, renderCompose } from "../stacks/docker/compose.js";

const target = fileURLToPath(new URL(`../${COMPOSE_FILE}`, import.meta.url));
const rendered = renderCompose(resolveEnvironment("dev", {}));

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // A missing file is stale too.
  }
  if (current !== rendered) {
    console.error(`${COMPOSE_FILE} is stale: run npm run generate:compose`);
    process.exit(1);
  }
  console.log(`${COMPOSE_FILE} is up to date`);
} else {
  writeFileSync(target, rendered);
  console.log(`wrote ${COMPOSE_FILE}`);
}
