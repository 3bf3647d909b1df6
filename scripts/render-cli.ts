import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ENVIRONMENT_NAMES,
  type EnvironmentName,
  EnvironmentValidationError,
  isEnvironmentName,
  UnknownEnvironmentError,
} from "../environments/index.js";
import { StackConfigError } from "../stacks/errors.js";
import { RENDER_CONFIG, renderEnvironment, summary } from "../stacks/kubernetes/render.js";
import { writeDiagram } from "./diagram/index.js";
import { asStoredConfig, ConfigPathError, PROJECT_NAMESPACE, setConfigPath } from "./pulumi-config-path.js";

/** The repository root (this file lives in scripts/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What `npm run render -- [<env>] [--set <path>=<value> ...] [--out <dir>]` asked for. */
export interface RenderArgs {
  /** The environments to render: the one named, or all of them. */
  readonly envs: readonly EnvironmentName[];
  /** `--set` overrides in order, each as `pulumi config set --path mcp-stack:<path> <value>`. */
  readonly sets: readonly (readonly [path: string, value: string])[];
  /**
   * Where `<env>/` is written: `--out`, else rendered/. With `--set` and no `--out`, undefined: a new
   * temporary directory, so an override never lands in the committed rendered/ unless `--out rendered`
   * says so.
   */
  readonly out: string | undefined;
}

/** A command line the script cannot run; the message says what to type instead. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const RENDER_USAGE =
  "usage: npm run render -- [<env>] [--set <path>=<value> ...] [--out <dir>]\n" +
  `  <env>   one of ${ENVIRONMENT_NAMES.join(", ")}; all of them when omitted\n` +
  `  --set   as \`pulumi config set --path ${PROJECT_NAMESPACE}:<path> <value>\`, e.g. --set kubernetes.replicas=4\n` +
  "  --out   write <dir>/<env>/ instead of rendered/<env>/ (with --set: a new temporary directory)";

/** Parse the command line (the part after `npm run render --`). */
export function parseRenderArgs(argv: readonly string[], root = REPO_ROOT): RenderArgs {
  const sets: [string, string][] = [];
  let env: EnvironmentName | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (flag: string) => {
      const v = arg.includes("=") && arg.startsWith(`${flag}=`) ? arg.slice(flag.length + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${RENDER_USAGE}`);
      return v;
    };
    if (arg === "--set" || arg.startsWith("--set=")) {
      const pair = value("--set");
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new UsageError(`--set ${pair}: expected <path>=<value>\n${RENDER_USAGE}`);
      sets.push([pair.slice(0, eq), pair.slice(eq + 1)]);
    } else if (arg === "--out" || arg.startsWith("--out="))
      // npm runs scripts in the package root; INIT_CWD is where the command was typed.
      out = resolve(process.env.INIT_CWD ?? process.cwd(), value("--out"));
    else if (arg === "--help" || arg === "-h") throw new UsageError(RENDER_USAGE);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}\n${RENDER_USAGE}`);
    else if (env !== undefined) throw new UsageError(`one environment at a time (got ${env} and ${arg})`);
    else if (!isEnvironmentName(arg)) throw new UnknownEnvironmentError(arg);
    else env = arg;
  }
  if (sets.length > 0 && env === undefined)
    throw new UsageError(`--set applies to one environment: name it\n${RENDER_USAGE}`);
  if (out === undefined && sets.length === 0) out = join(root, "rendered");
  return { envs: env ? [env] : ENVIRONMENT_NAMES, sets, out };
}

/**
 * The stack config an environment renders with after the overrides: RENDER_CONFIG as the CLI stores
 * it, then each `--set` applied in order, exactly as consecutive `pulumi config set --path` calls.
 */
export function overrideConfig(env: EnvironmentName, sets: RenderArgs["sets"]): Record<string, string> {
  let config = asStoredConfig(RENDER_CONFIG[env]);
  for (const [path, value] of sets) config = setConfigPath(config, path, value);
  return config;
}

/** Write one environment's files to `<out>/<env>/`, replacing the YAML there. Returns the files. */
export async function renderTo(
  env: EnvironmentName,
  sets: RenderArgs["sets"],
  out: string,
): Promise<Map<string, string>> {
  const files = await renderEnvironment(env, overrideConfig(env, sets));
  const dir = join(out, env);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith(".yaml")) rmSync(join(dir, f));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  // The picture is drawn from the files just written, so it always shows this render.
  await writeDiagram(out, env);
  return files;
}

/** Errors the user fixes by changing the command line or config: shown as the message alone. */
export function isUserError(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof ConfigPathError ||
    error instanceof StackConfigError ||
    error instanceof EnvironmentValidationError ||
    error instanceof UnknownEnvironmentError
  );
}

/** `npm run render`: returns the exit code; prints a line per environment, or the error. */
export async function runRender(argv: readonly string[], log = console.log, err = console.error) {
  try {
    const args = parseRenderArgs(argv);
    const out = args.out ?? mkdtempSync(join(tmpdir(), "mcp-stack-render-"));
    for (const env of args.envs) {
      const files = await renderTo(env, args.sets, out);
      const inside = relative(process.cwd(), join(out, env));
      const where =
        inside === "" ? "." : inside.startsWith("..") || isAbsolute(inside) ? join(out, env) : inside;
      const overrides = args.sets.length ? ` with ${args.sets.map(([p, v]) => `${p}=${v}`).join(", ")}` : "";
      log(`${env}${overrides}: ${files.size} objects (${summary(files)}) → ${where}/`);
    }
    return 0;
  } catch (error) {
    if (!isUserError(error)) throw error;
    err(`error: ${error.message}`);
    return 1;
  }
}
