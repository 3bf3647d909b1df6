import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { blocksOf, commandsOf, wordsOf } from "../app/markdown-commands.js";

/**
 * The README's command examples work as written: every `npm run <script>` in a code block or inline
 * code names a script of package.json, and every `npm run render -- … --set …` renders (into a temp
 * directory, so the committed rendered/ is never touched). docs/quickstart.md is run end to end by
 * test/app/quickstart.test.ts.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const out = mkdtempSync(join(tmpdir(), "readme-render-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Commands in shell blocks (comments dropped) and in inline code spans that start with `npm run`. */
function readmeCommands(): string[] {
  const fenced = blocksOf(README)
    .filter((b) => ["sh", "bash", "shell"].includes(b.lang))
    .flatMap((b) => commandsOf(b.body))
    .map((c) => c.replace(/\s+#.*$/, "").trim());
  const inline = [...README.matchAll(/`(npm run [^`]+)`/g)].map((m) =>
    m[1]!.replace(/\s*\[[^\]]*\]/g, "").trim(),
  );
  return [...fenced, ...inline].filter((c) => c.startsWith("npm run "));
}

describe("README.md command examples", () => {
  const commands = readmeCommands();
  const renders = commands.filter((c) => c.startsWith("npm run render -- ") && c.includes("--set"));

  it("name scripts that exist", () => {
    expect(commands.length).toBeGreaterThan(5);
    const scripts = Object.keys(pkg.scripts);
    for (const c of commands) expect(scripts, c).toContain(wordsOf(c)[2]);
  });

  it("link the quickstart", () => {
    expect(README).toMatch(/\]\(docs\/quickstart\.md\)/);
  });

  it.each(renders.length ? renders : ["(none found)"])("%s renders", (command) => {
    expect(renders.length, "the README shows at least one render with --set").toBeGreaterThan(0);
    const args = wordsOf(command).slice(4);
    const run = spawnSync("npm", ["run", "-s", "render", "--", ...args, "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(out);
  });
});
