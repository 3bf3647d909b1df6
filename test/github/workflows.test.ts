import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "..", "..");
/** A GitHub expression as the workflow spells it, e.g. ${{ matrix.stack }}. */
const expr = (e: string) => ["$", "{{ ", e, " }}"].join("");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
  if?: string;
  strategy?: { matrix?: { stack?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(read(`.github/workflows/${file}`)) as Workflow;
const step = (job: Job, name: string) => {
  const s = job.steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step "${name}" in ${job.name}`);
  return s;
};

/** The README's test command: the second of its "two commands on a fresh machine". */
function readmeTestCommand(): string {
  const block =
    /## Two commands on a fresh machine\n(?:(?!\n## )[\s\S])*?```bash\n([\s\S]*?)```/.exec(
      read("README.md"),
    )?.[1] ?? "";
  const line = block.split("\n").find((l) => l.includes("test"));
  return (line ?? "").replace(/#.*$/, "").trim();
}

describe("GitHub workflows", () => {
  it("parse as YAML with a trigger and named jobs and steps", () => {
    for (const file of ["ci.yml", "preview.yml"]) {
      const w = workflow(file);
      expect(Object.keys(w.on).length, file).toBeGreaterThan(0);
      for (const [id, job] of Object.entries(w.jobs)) {
        expect(job.name, `${file} ${id}`).toBeTruthy();
        for (const s of job.steps) expect(s.name, `${file} ${id}`).toBeTruthy();
      }
    }
  });

  it("run the README's test command in CI, as .ci/run does", () => {
    expect(readmeTestCommand()).toBe("./scripts/test-all.sh");
    const test = workflow("ci.yml").jobs.test!;
    expect(step(test, "test-all").run).toBe(readmeTestCommand());
    expect(read(".ci/run").trim().split("\n").at(-1)).toBe(readmeTestCommand());
  });

  it("fail CI when rendered/ is stale after npm run render", () => {
    const job = workflow("ci.yml").jobs.rendered!;
    expect(step(job, "render").run).toContain("npm run -s render");
    expect(step(job, "fail when rendered/ is stale").run).toMatch(
      /git status --porcelain -- rendered\/[\s\S]*exit 1/,
    );
  });

  it("preview each stack with pulumi/actions, the policy pack and a pull request comment", () => {
    const job = workflow("preview.yml").jobs["pulumi-preview"]!;
    expect(job.strategy?.matrix?.stack).toEqual(["dev", "staging", "prod"]);
    const preview = step(job, "pulumi preview");
    expect(preview.uses).toMatch(/^pulumi\/actions@v\d+$/);
    expect(preview.with).toMatchObject({
      command: "preview",
      "stack-name": expr("matrix.stack"),
      policyPacks: "policy",
      "comment-on-pr": true,
    });
  });

  it("post the offline diff of each stack, linking the diagram", () => {
    const job = workflow("preview.yml").jobs["offline-diff"]!;
    expect(job.strategy?.matrix?.stack).toEqual(["dev", "staging", "prod"]);
    expect(step(job, "npm run diff").run).toContain(`npm run -s diff -- "${expr("matrix.stack")}" --base`);
    const comment = step(job, "comment the offline diff");
    expect(comment.uses).toMatch(/^actions\/github-script@v\d+$/);
    expect(String(comment.with?.script)).toContain("diagram.svg");
  });
});
