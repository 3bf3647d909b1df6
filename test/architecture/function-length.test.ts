import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * No function of the program, the building blocks, the model, the app or monitoring is longer than
 * MAX_LINES (issue 27: a newcomer reads a function whole, and the long ones were the ones that hid
 * their parts). Measured with the TypeScript compiler's own parse: from a function's first token to its
 * last, so a JSDoc above it does not count and a function nested in another counts in both.
 */
const MAX_LINES = 80;
const ROOT = path.resolve(import.meta.dirname, "../..");
const MEASURED = ["stacks", "infra", "environments", "app/src", "monitoring"];

/** Generated sources are not written by hand and are not measured. */
function generated(file: string, text: string): boolean {
  return file.includes(`${path.sep}generated${path.sep}`) || /^\/\/ (Code generated|@generated)/.test(text);
}

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .filter((e) => !e.name.endsWith(".test.ts") && !e.parentPath.includes("node_modules"))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

interface LongFunction {
  readonly at: string;
  readonly name: string;
  readonly lines: number;
}

/** A readable name for a function node: its own, or the variable, property or call it belongs to. */
function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) {
    const cls = node.parent;
    return `${ts.isClassLike(cls) && cls.name ? cls.name.text : "class"}.constructor`;
  }
  if (node.name) return node.name.getText(sf);
  const p = node.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))
    return p.name.getText(sf);
  if (ts.isCallExpression(p)) return `callback of ${p.expression.getText(sf).slice(0, 40)}`;
  return "(anonymous)";
}

/** Every function-like node of a file longer than `max` lines. */
function longFunctions(file: string, text: string, max: number): LongFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: LongFunction[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
      const lines = end - start + 1;
      if (lines > max) out.push({ at: `${file}:${start + 1}`, name: functionName(fn, sf), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe("function length", () => {
  it(`finds no function over ${MAX_LINES} lines in ${MEASURED.join(", ")}`, () => {
    const long = MEASURED.flatMap(sources).flatMap((file) => {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      return generated(file, text) ? [] : longFunctions(file, text, MAX_LINES);
    });
    expect(long.map((f) => `${f.at} ${f.name}: ${f.lines} lines`)).toEqual([]);
  });

  it("measures from a function's first line to its last, nested functions and all", () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const text = [
      "/** Not counted. */",
      `export function long(): void {\n${body(80)}\n}`,
      `export const short = () => {\n${body(78)}\n};`,
      `class C {\n  constructor() {\n    const inner = function () {\n${body(79)}\n    };\n  }\n}`,
    ].join("\n");
    expect(longFunctions("x.ts", text, MAX_LINES).map((f) => [f.name, f.lines])).toEqual([
      ["long", 82],
      ["C.constructor", 83],
      ["inner", 81],
    ]);
  });
});
