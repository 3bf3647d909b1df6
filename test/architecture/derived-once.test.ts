import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SECRETS } from "../../environments/index.js";

/**
 * A fact derived from the model ("uses OpenAI", "Redis runs in the cluster", "which secret is needed
 * when") is computed once, in environments/derive.ts and the secrets table beside it, and read from
 * `env.derived` everywhere else (STYLE.md, "Derived once"). Each rule names what may not be written
 * outside its home, so a stack that works a fact out again fails here.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const SCANNED = [
  "app/src",
  "contract/src",
  "environments",
  "infra",
  "monitoring",
  "policy",
  "scripts",
  "stacks",
];

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.parentPath.includes("node_modules"))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

const FILES = SCANNED.flatMap(sources).map((file) => ({
  file,
  text: readFileSync(path.join(ROOT, file), "utf8"),
}));

/** The quoted config key of a secret some model field asks for, e.g. "openaiApiKey". */
const WORKLOAD_SECRET_LITERAL = new RegExp(
  `"(${Object.entries(SECRETS)
    .filter(([, s]) => s.readWhen)
    .map(([k]) => k)
    .join("|")})"`,
);

interface Rule {
  readonly what: string;
  readonly pattern: RegExp;
  /** Files (or folders, ending in "/") where the pattern belongs. */
  readonly home: readonly string[];
}

const RULES: readonly Rule[] = [
  {
    what: "whether a provider calls OpenAI (derived.usesOpenAi)",
    pattern: /\busesOpenAi\(/,
    // The contract defines the rule; the app applies it to its own variables.
    home: ["environments/derive.ts", "contract/src/service.ts", "app/src/config.ts"],
  },
  {
    what: "a provider compared with OpenAI (derived.usesOpenAi)",
    pattern: /(Provider|embedding|answer)\s*[!=]==\s*(OPENAI_PROVIDER|"openai")/,
    home: ["contract/src/service.ts"],
  },
  {
    what: "where Redis runs (derived.redisInCluster, derived.redisManaged)",
    pattern: /\bredis\.engine\b/,
    home: ["environments/"],
  },
  {
    what: "which secret is needed when (derived.secrets, from the table in environments/secrets.ts)",
    pattern: WORKLOAD_SECRET_LITERAL,
    home: ["environments/", "app/", "contract/", "infra/", "monitoring/", "policy/", "scripts/"],
  },
  {
    what: "who needs API_KEYS (the secrets table)",
    pattern: /\brequireApiKeys\b/,
    home: ["environments/", "app/"],
  },
];

const inHome = (file: string, home: readonly string[]) =>
  home.some((h) => (h.endsWith("/") ? file.startsWith(h) : file === h));

describe("derived facts are computed once", () => {
  it.each(RULES)("$what: only where it belongs", (rule) => {
    const strays = FILES.filter(({ file, text }) => !inHome(file, rule.home) && rule.pattern.test(text)).map(
      ({ file, text }) => {
        const line = text.split("\n").findIndex((l) => rule.pattern.test(l));
        return `${file}:${line + 1}`;
      },
    );
    expect(strays).toEqual([]);
  });

  it("each rule finds its fact in its home (so a renamed fact cannot make a rule vacuous)", () => {
    for (const rule of RULES)
      expect(
        FILES.some(({ file, text }) => inHome(file, rule.home) && rule.pattern.test(text)),
        rule.what,
      ).toBe(true);
  });
});
