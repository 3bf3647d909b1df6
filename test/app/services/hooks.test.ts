/** The service hooks the metrics layer counts: one call per ingest and per search request. */
import { describe, expect, it } from "vitest";
import { createServices } from "../../../app/src/services/index.js";
import { ConversationStore } from "../../../app/src/store/conversation-store.js";
import { testEmbedder, useDatabase } from "../helpers.js";

const db = useDatabase();
const answerer = {
  model: "none",
  answer: async () => ({
    answer: "",
    cited: [],
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    model: "none",
  }),
};

describe("ServiceHooks", () => {
  it("reports each ingest with what it added, and each search request by mode but not the search inside an answer", async () => {
    const ingested: [string, number, number][] = [];
    const searched: string[] = [];
    const services = createServices({
      store: new ConversationStore(db.current.databases),
      embedder: testEmbedder(),
      answerer,
      hooks: {
        conversationIngested: (tenant, messages, chunks) => ingested.push([tenant, messages, chunks]),
        searchPerformed: (mode) => searched.push(mode),
      },
    });
    const ctx = { tenantId: "acme" };
    const body = { id: "c1", messages: [{ role: "user" as const, content: "The deploy failed on staging" }] };
    await services.conversations.ingest(body, ctx);
    await services.conversations.ingest(body, ctx);
    expect(ingested).toEqual([
      ["acme", 1, 1],
      ["acme", 0, 0],
    ]);
    await services.search.search({ query: "deploy", k: 5, mode: "keyword" }, ctx);
    await services.search.search({ query: "deploy", k: 5, mode: "semantic" }, ctx);
    await services.answers.answer({ question: "What failed?", k: 3 }, ctx);
    expect(searched).toEqual(["keyword", "semantic"]);
  });
});
