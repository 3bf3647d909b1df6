import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";

/**
 * One line per fault run, appended as each run ends (a run that dies midway still leaves the figures
 * of those before it); write-doc.ts folds them into docs/reliability.md.
 */
export const SCENARIOS = {
  1: "kill -9 of pulumi during a first up, then npm run deploy:recover and up",
  2: "etcd and the API server restarted during a first up, then up",
  3: "hand change (scaled Deployment, edited ConfigMap, deleted Service), then up --refresh",
  4: "two up at once on one stack",
  5: "bad config (a DNS address that is no CIDR), then the config repaired and up",
} as const;

const figure = z.strictObject({
  stack: z.enum(["staging", "prod"]),
  scenario: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  converged: z.boolean(),
  orphans: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  dataTouched: z.number().int().nonnegative(),
  /** What this run did and saw, in a few words (the kill point, how the interrupted run ended). */
  note: z.string(),
  seed: z.number().int(),
});
export type FaultFigure = z.infer<typeof figure>;

export function figuresFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.FAULTS_FIGURES || join(tmpdir(), "mcp-deploy-faults", "figures.jsonl");
}

export function recordFigure(f: FaultFigure): void {
  const file = figuresFile();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(figure.parse(f))}\n`);
}

export function readFigures(): FaultFigure[] {
  const file = figuresFile();
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line, i) => {
      const parsed = figure.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file} line ${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}
