import { runRender } from "./render-cli.js";

/**
 * `npm run render [-- <env> [--set <path>=<value> ...] [--out <dir>]]`: writes every Kubernetes object of
 * dev (rendered for Kubernetes), staging and prod to rendered/<env>/<kind>-<name>.yaml, from the same
 * program `pulumi up` runs, with placeholder secrets. With an environment named, only that one, with
 * `--set` overrides stored as `pulumi config set --path` stores them (scripts/pulumi-config-path.ts).
 */
process.exitCode = await runRender(process.argv.slice(2));
