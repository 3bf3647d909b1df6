/** Search: semantic (pgvector cosine), keyword (Postgres full text) or hybrid (both, fused by RRF). */
import { z } from "zod";
import { count, MessageRange, SearchFilter, text } from "./common.js";

export const MAX_QUERY_CHARS = 2000;

export const SearchMode = z.enum(["hybrid", "semantic", "keyword"]);
export type SearchMode = z.infer<typeof SearchMode>;

export const SearchInput = z
  .strictObject({
    query: text(MAX_QUERY_CHARS, { trim: true }).describe(
      "What to look for, in natural language or keywords.",
    ),
    k: count(50, 10).describe("How many results to return at most (1-50, default 10)."),
    mode: SearchMode.default("hybrid").describe(
      "hybrid (default): meaning and keywords combined; semantic: meaning only; keyword: exact words only.",
    ),
    filter: SearchFilter.optional(),
  })
  .meta({
    examples: [
      { query: "how do we deploy to kubernetes" },
      {
        query: "ECONNREFUSED",
        k: 5,
        mode: "keyword",
        filter: { user_id: "alice", since: "2025-01-01T00:00:00Z" },
      },
    ],
  });
export type SearchInput = z.infer<typeof SearchInput>;

export const SearchHit = z.object({
  conversation_id: z.string().describe("Conversation the chunk belongs to."),
  chunk_id: z.string().describe("Id of the matching chunk."),
  text: z.string().describe("The chunk: consecutive messages, each prefixed with its role."),
  score: z
    .number()
    .describe("Higher is better; cosine similarity (semantic), ts_rank (keyword) or RRF score (hybrid)."),
  message_range: MessageRange,
  created_at: z.string().describe("Time of the newest message in the chunk."),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchOutput = z.object({ results: z.array(SearchHit) }).meta({
  examples: [
    {
      results: [
        {
          conversation_id: "k8s-deploy",
          chunk_id: "0b6f1f6e-4c1a-4f5e-9a43-3c1d2a9e8b10",
          text: "user: How do I deploy the backend to our cluster?\nassistant: Run pulumi up in the prod stack.",
          score: 0.0328,
          message_range: { start: 0, end: 1 },
          created_at: "2025-01-10T10:00:05.000Z",
        },
      ],
    },
  ],
});
export type SearchOutput = z.infer<typeof SearchOutput>;
