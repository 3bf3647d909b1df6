import type { Config } from "../config.js";
import type { Embedder } from "./embedder.js";
import { LocalEmbedder } from "./local-embedder.js";
import { OpenAiEmbedder } from "./openai-embedder.js";

export type { Embedder } from "./embedder.js";

/** The embedder the configuration asks for. */
export function createEmbedder(config: Config): Embedder {
  const { provider, model, dimensions } = config.embedding;
  if (provider === "openai") {
    return new OpenAiEmbedder({
      apiKey: config.openai.apiKey ?? "",
      baseUrl: config.openai.baseUrl,
      model,
      dimensions,
    });
  }
  return new LocalEmbedder(dimensions, model);
}
