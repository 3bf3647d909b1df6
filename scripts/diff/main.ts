import { runDiff } from "../diff-cli.js";

/**
 * `npm run diff -- <env> [--base <git ref>] [--exit-code]`: what `pulumi preview --diff` would show for
 * the environment's Kubernetes objects between the base revision and this working tree, offline
 * (this folder). Exit 0 whether or not anything changes; with --exit-code, 1 when something does.
 */
process.exitCode = await runDiff(process.argv.slice(2));
