/**
 * npm run deploy:recover -- <stack> [--force-unlock]
 *
 * Run it in the project folder after a `pulumi up` was interrupted, then `pulumi up` again
 * (docs/deploy.md, "When a deploy is interrupted").
 */
import { nextUp, pulumiFromPath, RecoverError, recoverStack } from "./recover.js";

const USAGE = "usage: npm run deploy:recover -- <stack> [--force-unlock]";

async function main(argv: readonly string[]): Promise<number> {
  const flags = argv.filter((a) => a.startsWith("--"));
  const positional = argv.filter((a) => !a.startsWith("--"));
  const unknown = flags.filter((f) => f !== "--force-unlock");
  if (unknown.length) throw new RecoverError(`unknown option ${unknown.join(" ")}\n${USAGE}`);
  if (positional.length !== 1) throw new RecoverError(`name one stack (staging, prod, ...)\n${USAGE}`);
  const stack = positional[0]!;
  const log = (line: string) => process.stderr.write(`recover: ${line}\n`);
  const report = await recoverStack(pulumiFromPath, {
    stack,
    forceUnlock: flags.includes("--force-unlock"),
    log,
  });
  const next = nextUp(report, stack);
  if (Object.keys(next.env).length > 0)
    log(
      "the killed run had begun creating Kubernetes objects, under a field manager of its own: " +
        "the next up takes their fields over with patch force, this once",
    );
  log(
    `${stack} is consistent with its cluster (${report.pending.length} pending operation(s) resolved); ` +
      `now run: ${next.command}`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!(error instanceof RecoverError)) throw error;
    console.error(`recover: ${error.message}`);
    process.exitCode = 1;
  },
);
