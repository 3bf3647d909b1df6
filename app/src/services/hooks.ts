/** What the service layer reports to the metrics layer (the telemetry side wires these to counters). */
export interface ServiceHooks {
  /**
   * After every successful ingest (also a re-send that added nothing): what this request added,
   * not the conversation's totals.
   */
  conversationIngested?(tenantId: string, messages: number, chunks: number): void;
  /** Once per search request (REST or MCP), cached or not; the search inside an answer does not count. */
  searchPerformed?(mode: "hybrid" | "semantic" | "keyword"): void;
}
