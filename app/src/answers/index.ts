import type { Config } from "../config.js";
import type { Answerer } from "./answerer.js";
import { ExtractiveAnswerer } from "./extractive-answerer.js";
import { OpenAiAnswerer } from "./openai-answerer.js";

export type { Answerer } from "./answerer.js";

/** The answerer the configuration asks for. */
export function createAnswerer(config: Config): Answerer {
  if (config.answer.provider === "openai") {
    return new OpenAiAnswerer(
      { apiKey: config.openai.apiKey ?? "", baseUrl: config.openai.baseUrl },
      config.answer.model,
    );
  }
  return new ExtractiveAnswerer();
}
