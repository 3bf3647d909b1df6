import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EnvironmentName, isEnvironmentName, UnknownEnvironmentError } from "../environments/index.js";
import { asObjectIdentity, committedSnapshot, defaultBase, extractTree } from "./diff/base.js";
import { formatPreview, type Preview, preview, type SnapshotResource } from "./diff/preview.js";
import { snapshot } from "./diff/snapshot.js";
import { isUserError, REPO_ROOT, UsageError } from "./render-cli.js";

export const DIFF_USAGE =
  "usage: npm run diff -- <env> [--base <git ref>] [--exit-code]\n" +
  "  --base       the revision to compare with; defaults to the merge base of HEAD with main\n" +
  "  --exit-code  exit 1 when anything would change (0 otherwise), for scripts";

export interface DiffArgs {
  readonly env: EnvironmentName;
  readonly base?: string;
  readonly exitCode: boolean;
}

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  let env: EnvironmentName | undefined;
  let base: string | undefined;
  let exitCode = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--base") {
      base = argv[++i];
      if (!base) throw new UsageError(`--base needs a git ref\n${DIFF_USAGE}`);
    } else if (arg.startsWith("--base=")) base = arg.slice("--base=".length);
    else if (arg === "--exit-code") exitCode = true;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}\n${DIFF_USAGE}`);
    else if (env !== undefined) throw new UsageError(`one environment at a time\n${DIFF_USAGE}`);
    else if (!isEnvironmentName(arg)) throw new UnknownEnvironmentError(arg);
    else env = arg;
  }
  if (!env) throw new UsageError(DIFF_USAGE);
  return { env, base, exitCode };
}

/** The base tree rendered with its own code, in a child process (the SDK's mocks are process-global). */
function renderBase(dir: string, env: string): SnapshotResource[] | undefined {
  const out = mkdtempSync(join(tmpdir(), "mcp-stack-snapshot-"));
  try {
    const file = join(out, "base.json");
    execFileSync(
      process.execPath,
      // The condition resolves @mcp-stack/contract to its sources (ignored by bases without it).
      [
        "--conditions=@mcp-stack/source",
        "--import",
        "tsx",
        join(REPO_ROOT, "scripts", "diff", "snapshot.ts"),
        dir,
        env,
        file,
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    return JSON.parse(readFileSync(file, "utf8")) as SnapshotResource[];
  } catch (error) {
    if ((error as { status?: number }).status === 3) return undefined;
    throw new Error(`rendering the base failed:\n${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Both sides of the preview: the base revision and this working tree. */
export async function diffEnvironment(args: DiffArgs): Promise<{ preview: Preview; heading: string }> {
  const ref = args.base ?? defaultBase(REPO_ROOT);
  const tree = extractTree(REPO_ROOT, ref);
  try {
    const head = await snapshot(REPO_ROOT, args.env);
    const rendered = renderBase(tree.dir, args.env);
    const short = tree.commit.slice(0, 12);
    const how = rendered
      ? "rendered with its own code"
      : "its committed rendered/ files (it predates the render entry points; objects matched by kind and name)";
    const result = rendered
      ? preview(rendered, head)
      : preview(committedSnapshot(tree.dir, args.env), asObjectIdentity(head));
    const heading =
      `Previewing mcp-stack/${args.env} offline: ${ref} (${short}, ${how}) → this working tree\n` +
      `After: rendered/${args.env}/diagram.svg`;
    return { preview: result, heading };
  } finally {
    tree.cleanup();
  }
}

/** `npm run diff`: prints the preview; returns the exit code. */
export async function runDiff(argv: readonly string[], log = console.log, err = console.error) {
  try {
    const args = parseDiffArgs(argv);
    const { preview: p, heading } = await diffEnvironment(args);
    log(formatPreview(p, heading));
    return args.exitCode && p.changes.length > 0 ? 1 : 0;
  } catch (error) {
    if (!isUserError(error)) throw error;
    err(`error: ${error.message}`);
    return 2;
  }
}
