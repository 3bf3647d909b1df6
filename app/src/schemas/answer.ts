/** Answers: retrieval-augmented, with citations back to stored chunks. */
import { z } from "zod";
import { count, SearchFilter, text } from "./common.js";
import { MAX_QUERY_CHARS } from "./search.js";

export const AnswerInput = z
  .strictObject({
    question: text(MAX_QUERY_CHARS, { trim: true }).describe(
      "The question to answer from stored conversations.",
    ),
    k: count(20, 5).describe("How many chunks to use as context at most (1-20, default 5)."),
    filter: SearchFilter.optional(),
  })
  .meta({ examples: [{ question: "How do we deploy the backend?", k: 3 }] });
export type AnswerInput = z.infer<typeof AnswerInput>;

export const Citation = z.object({
  conversation_id: z.string(),
  chunk_id: z.string(),
  text: z.string(),
});
export type Citation = z.infer<typeof Citation>;

export const AnswerOutput = z
  .object({
    answer: z.string().describe("The answer; an extractive answer says so in its first line."),
    citations: z
      .array(Citation)
      .describe("The chunks the answer is based on, in citation order ([1], [2], ...)."),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
    model: z.string().describe("`extractive` for the offline answerer, else the chat model."),
  })
  .meta({
    examples: [
      {
        answer:
          "Extractive answer (no language model configured; quoted from stored conversations):\n- Run pulumi up in the prod stack. [1]",
        citations: [
          {
            conversation_id: "k8s-deploy",
            chunk_id: "0b6f1f6e-4c1a-4f5e-9a43-3c1d2a9e8b10",
            text: "user: How do I deploy the backend to our cluster?\nassistant: Run pulumi up in the prod stack.",
          },
        ],
        usage: { prompt_tokens: 41, completion_tokens: 12 },
        model: "extractive",
      },
    ],
  });
export type AnswerOutput = z.infer<typeof AnswerOutput>;
