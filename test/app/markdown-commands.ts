/**
 * Reading shell commands out of markdown, for tests that run a document's blocks
 * (`quickstart.test.ts`): fenced blocks, the commands in a shell block, a command's words.
 */

export interface Block {
  lang: string;
  tag?: string;
  body: string;
}

/** Fenced blocks in order: ```lang tag. */
export function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w+)(?: ([\w-]+))?\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    tag: m[2],
    body: m[3]!,
  }));
}

/** A shell block's commands: a line continues while it ends in `\` or a single quote is open. */
export function commandsOf(body: string): string[] {
  const commands: string[] = [];
  let current = "";
  for (const line of body.split("\n")) {
    if (current === "" && line.trim() === "") continue;
    current += (current ? "\n" : "") + line;
    const openQuote = (current.match(/'/g)?.length ?? 0) % 2 === 1;
    if (!openQuote && !line.endsWith("\\")) {
      commands.push(current);
      current = "";
    }
  }
  if (current) commands.push(current);
  return commands;
}

/** Shell-like words: quotes grouped, `\`-newlines dropped (enough for the doc's own lines). */
export function wordsOf(command: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\\\n)|(\s+)|([^\s'"\\]+|\\.)/g;
  let word: string | undefined;
  for (const m of command.matchAll(re)) {
    if (m[3] || m[4]) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    word = (word ?? "") + (m[1] ?? m[2]?.replace(/\\(.)/g, "$1") ?? m[5]!.replace(/^\\/, ""));
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Keys and types all the way down (arrays by their first element): what a reader relies on. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value === null) return "null";
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  }
  return typeof value;
}
