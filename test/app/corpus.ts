/**
 * A small hand-made corpus where the right search answers are known in advance. Each conversation
 * is about one topic with its own vocabulary, so a query built from one topic's words has exactly
 * one right conversation.
 */
import type { IngestConversationInput } from "../../app/src/schemas/conversation.js";

export const CORPUS: IngestConversationInput[] = [
  {
    id: "k8s-deploy",
    title: "Deploying to Kubernetes",
    user_id: "alice",
    messages: [
      {
        role: "user",
        content: "How do I deploy the backend to our Kubernetes cluster?",
        created_at: "2025-01-10T10:00:00Z",
      },
      {
        role: "assistant",
        content:
          "Run pulumi up in the prod stack. It creates the Deployment, the Service and the HorizontalPodAutoscaler.",
        created_at: "2025-01-10T10:00:05Z",
      },
    ],
  },
  {
    id: "pasta",
    title: "Carbonara",
    user_id: "bob",
    messages: [
      { role: "user", content: "What goes into a real carbonara?", created_at: "2025-02-01T19:00:00Z" },
      {
        role: "assistant",
        content:
          "Guanciale, egg yolks, pecorino romano and black pepper. No cream. Toss the spaghetti off the heat.",
        created_at: "2025-02-01T19:00:04Z",
      },
    ],
  },
  {
    id: "db-pool",
    title: "Connection errors",
    user_id: "alice",
    messages: [
      {
        role: "system",
        content: "You are the on-call database assistant.",
        created_at: "2025-03-05T08:00:00Z",
      },
      {
        role: "user",
        content: "The API logs ERR_PG_53300: sorry, too many clients already. What happened?",
        created_at: "2025-03-05T08:00:10Z",
      },
      {
        role: "assistant",
        content:
          "The Postgres connection pool is exhausted. Raise max_connections or lower DB_POOL_SIZE per worker.",
        created_at: "2025-03-05T08:00:20Z",
      },
    ],
  },
  {
    id: "lisbon",
    title: "Weekend in Lisbon",
    user_id: "carol",
    messages: [
      {
        role: "user",
        content: "Plan a weekend trip to Lisbon with a ride on tram 28.",
        created_at: "2025-04-12T09:00:00Z",
      },
      {
        role: "assistant",
        content: "Day one: Alfama, the castle and tram 28. Day two: Belém tower and pastel de nata.",
        created_at: "2025-04-12T09:00:08Z",
      },
    ],
  },
  {
    id: "refund",
    title: "Invoice refund",
    user_id: "bob",
    messages: [
      {
        role: "user",
        content: "I was charged twice on my March invoice, can I get a refund?",
        created_at: "2025-05-20T14:00:00Z",
      },
      {
        role: "assistant",
        content: "Yes. The duplicate charge is refunded to your card within five business days.",
        created_at: "2025-05-20T14:00:06Z",
      },
    ],
  },
];
