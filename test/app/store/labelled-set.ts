/**
 * A held-aside labelled set for the relevance floor: conversations on distinct everyday engineering
 * topics, questions phrased as a user would ask them (few exact words in common) with the
 * conversations that answer them, and questions nothing stored answers. Used only to choose and
 * check the floor (relevance-floor.test.ts), never by the tests of the search SQL itself.
 */
export interface Labelled {
  conversations: { id: string; messages: { role: "user" | "assistant"; content: string }[] }[];
  /** Each question with the ids that answer it; none for a question nothing stored answers. */
  questions: { query: string; relevant: string[] }[];
}

const c = (id: string, user: string, assistant: string) => ({
  id,
  messages: [
    { role: "user" as const, content: user },
    { role: "assistant" as const, content: assistant },
  ],
});

export const LABELLED: Labelled = {
  conversations: [
    c("deploy-logs", "Where do the deploy logs go?", "Deploy logs are shipped to Loki and kept for 14 days."),
    c(
      "cache",
      "What do we use for caching?",
      "Redis is the shared cache, with a five minute TTL on search results.",
    ),
    c("on-call", "Who is on call this week?", "Dana is on call until Friday, then Eli takes the pager."),
    c(
      "billing",
      "Who owns the billing migration?",
      "Priya owns the billing migration; it ships on March 3 after the load test.",
    ),
    c(
      "vpn",
      "How do I connect to the VPN from home?",
      "Install WireGuard and import the profile from the IT portal.",
    ),
    c(
      "db-backup",
      "How often is the database backed up?",
      "Postgres is backed up nightly with pg_dump; backups are kept for 30 days in S3.",
    ),
    c("flaky-tests", "Why did the release slip?", "The flaky payment tests slowed the release by two days."),
    c(
      "laptop",
      "How do I get a new laptop?",
      "Open a hardware request ticket; laptops are replaced every three years.",
    ),
    c(
      "rate-limit",
      "Why am I getting 429 responses?",
      "The API rate limit is 100 requests per minute per key, with a burst of 20.",
    ),
    c(
      "holidays",
      "How many vacation days do we get?",
      "Everyone gets 25 vacation days a year plus public holidays.",
    ),
    c(
      "tls",
      "When does the TLS certificate expire?",
      "cert-manager renews the TLS certificates 30 days before they expire.",
    ),
    c("lunch", "Is there lunch on Fridays?", "The office orders pizza for lunch every Friday at noon."),
  ],
  questions: [
    { query: "where are deploy logs kept", relevant: ["deploy-logs"] },
    { query: "how long do we keep deploy logs", relevant: ["deploy-logs"] },
    { query: "which cache do we use", relevant: ["cache"] },
    { query: "who is on call", relevant: ["on-call"] },
    { query: "who has the pager this week", relevant: ["on-call"] },
    { query: "billing migration owner", relevant: ["billing"] },
    { query: "when does the billing migration ship", relevant: ["billing"] },
    { query: "connect to the VPN", relevant: ["vpn"] },
    { query: "database backups", relevant: ["db-backup"] },
    { query: "how long are backups kept", relevant: ["db-backup"] },
    { query: "what slowed the release", relevant: ["flaky-tests"] },
    { query: "replacing my laptop", relevant: ["laptop"] },
    { query: "too many requests 429", relevant: ["rate-limit"] },
    { query: "how many vacation days", relevant: ["holidays"] },
    { query: "certificate renewal", relevant: ["tls"] },
    { query: "pizza on Friday", relevant: ["lunch"] },
    { query: "what is the wifi password", relevant: [] },
    { query: "kubernetes node autoscaling", relevant: [] },
    { query: "quarterly revenue forecast", relevant: [] },
    { query: "parking garage access card", relevant: [] },
    { query: "coffee machine broken", relevant: [] },
    { query: "onboarding checklist for interns", relevant: [] },
  ],
};
