/** A bad NDJSON line is reported with its number, each field's path and what to change. */
import { describe, expect, it } from "vitest";
import { parseLine } from "../../../app/src/import/parse-line.js";
import type { Utf8Fault } from "../../../app/src/lib/utf8.js";
import { FREE_FORM_LIMITS } from "../../../app/src/schemas/free-form.js";

const problems = (text: string, line = 7, fault?: Utf8Fault) => {
  const parsed = parseLine(text, line, fault);
  if (parsed.ok !== false) throw new Error(`line was accepted: ${text}`);
  return parsed.problems;
};

describe("parseLine", () => {
  it("accepts an ingest body and skips blank lines", () => {
    expect(parseLine('{"id":"a","messages":[{"role":"user","content":"hi"}]}', 1)).toEqual({
      ok: true,
      input: { id: "a", messages: [{ role: "user", content: "hi" }] },
    });
    expect(parseLine("   ", 2)).toEqual({ ok: "blank" });
  });

  it("says a line is not JSON and how lines must look", () => {
    expect(problems('{"id":"a",', 3)).toEqual([
      expect.stringMatching(
        /^line 3: not JSON \(.+\); fix: write one conversation per line as a JSON object/,
      ),
    ]);
  });

  it.each([
    ['{"messages":[{"role":"robot","content":"x"}]}', "messages.0.role", 'use one of "user", "assistant"'],
    ['{"messages":[{"role":"user","content":""}]}', "messages.0.content", "make it non-empty"],
    ['{"messages":[]}', "messages", "give at least 1"],
    [
      '{"messages":[{"role":"user","content":"x","when":1}]}',
      "messages.0.when",
      "the fields are role, content, created_at",
    ],
    [
      '{"titel":"x","messages":[{"role":"user","content":"x"}]}',
      "titel",
      "the fields are id, title, user_id, metadata, messages",
    ],
    ['{"id":"a b","messages":[{"role":"user","content":"x"}]}', "id", "letters, digits and . _ : @ -"],
    [
      '{"messages":[{"role":"user","content":"x","created_at":"yesterday"}]}',
      "messages.0.created_at",
      "ISO 8601",
    ],
    ['{"title":7,"messages":[{"role":"user","content":"x"}]}', "title", "make it a string"],
    ['{"title":"x"}', "messages", "add it (array)"],
    ["[1,2]", "(the line)", "make it an object"],
  ])("names the field and the fix: %s", (text, path, fix) => {
    const [problem, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      new RegExp(`^line 7: ${path.replace(/[.()]/g, "\\$&")}: .+; fix: .*${fix.replace(/[.()]/g, "\\$&")}`),
    );
  });

  it("lists every problem of a line at once", () => {
    expect(problems('{"x":1,"messages":[{"role":"robot","content":""}]}')).toHaveLength(3);
  });

  it("holds metadata to the API's limits, with the limit and the fix", () => {
    const deep = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    expect(problems(`{"metadata":${deep},"messages":[{"role":"user","content":"x"}]}`)).toEqual([
      `line 7: metadata: nests 5000 levels deep; the limit is ${FREE_FORM_LIMITS.depth}; fix: flatten it`,
    ]);
  });

  it("reports a line that is not UTF-8 by its number and offset, without decoding it", () => {
    expect(problems("", 4, { offset: 25, byte: "0xE9" })).toEqual([
      "line 4: invalid UTF-8 at byte offset 25 (0xE9) of the line; fix: save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 in.ndjson > out.ndjson)",
    ]);
  });
});
