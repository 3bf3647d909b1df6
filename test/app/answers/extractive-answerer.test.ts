/**
 * The offline answerer quotes what answers the question, never the question: a stored question (the
 * user's line that matched best) or a sentence that only repeats the question's words is not an
 * answer line, though it still leads to the reply after it.
 */
import { describe, expect, it } from "vitest";
import { EXTRACTIVE_PREFIX, ExtractiveAnswerer } from "../../../app/src/answers/extractive-answerer.js";

const chunk = (text: string, n = 0) => ({ conversation_id: `c${n}`, chunk_id: `k${n}`, text });
const lines = (answer: string) => answer.split("\n").slice(1);

describe("ExtractiveAnswerer", () => {
  const answerer = new ExtractiveAnswerer();

  it("quotes the reply, not the stored question that repeats the one asked", async () => {
    const context = [
      chunk(
        "user: Where do the deploy logs go?\nassistant: Deploy logs are shipped to Loki and kept for 14 days.",
      ),
    ];
    const { answer, cited } = await answerer.answer("Where do the deploy logs go?", context);
    expect(answer.split("\n")[0]).toBe(EXTRACTIVE_PREFIX);
    expect(lines(answer)).toEqual(["- assistant: Deploy logs are shipped to Loki and kept for 14 days. [1]"]);
    expect(cited).toEqual([0]);
  });

  it("never quotes a question or an echo, from any role or chunk", async () => {
    const context = [
      chunk("user: Who owns the billing migration?\nassistant: Who owns the billing migration? Priya does."),
      chunk("user: Who owns the billing migration.\nassistant: It ships on March 3.", 1),
    ];
    const { answer } = await answerer.answer("Who owns the billing migration?", context);
    for (const line of lines(answer)) {
      expect(line).not.toMatch(/\?\s*\[\d+\]$/);
      expect(line.toLowerCase()).not.toContain("who owns the billing migration");
    }
    expect(answer).toContain("Priya does. [1]");
  });
});
