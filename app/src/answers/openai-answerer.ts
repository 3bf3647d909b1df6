/** Answers from an OpenAI-compatible `/chat/completions` endpoint, citations parsed back from `[n]`. */
import { z } from "zod";
import { AppError } from "../lib/errors.js";
import { type OpenAiClientOptions, postJson } from "../lib/openai-http.js";
import { countTokens } from "../lib/tokens.js";
import {
  type Answerer,
  buildPrompt,
  type ContextChunk,
  type DraftAnswer,
  parseCitations,
} from "./answerer.js";

const ChatResponse = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }).optional(),
  model: z.string().optional(),
});

export class OpenAiAnswerer implements Answerer {
  private readonly options: OpenAiClientOptions;
  readonly model: string;
  constructor(options: OpenAiClientOptions, model: string) {
    this.options = options;
    this.model = model;
  }

  async answer(
    question: string,
    context: readonly ContextChunk[],
    options: { signal?: AbortSignal } = {},
  ): Promise<DraftAnswer> {
    const prompt = buildPrompt(question, context);
    const json = await postJson(
      this.options,
      "/chat/completions",
      {
        model: this.model,
        temperature: 0,
        messages: [
          { role: "system", content: prompt.system },
          { role: "user", content: prompt.user },
        ],
      },
      options.signal,
    );
    const parsed = ChatResponse.safeParse(json);
    if (!parsed.success)
      throw new AppError("UPSTREAM_FAILED", "The chat provider returned an unexpected response");
    const answer = parsed.data.choices[0]!.message.content ?? "";
    return {
      answer,
      cited: parseCitations(answer, context.length),
      usage: parsed.data.usage ?? {
        prompt_tokens: countTokens(prompt.system) + countTokens(prompt.user),
        completion_tokens: countTokens(answer),
      },
      model: parsed.data.model ?? this.model,
    };
  }
}
