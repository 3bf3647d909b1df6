import { APP_METRICS as M } from "@mcp-stack/contract";
import { MONITORING_CONFIG as C } from "../config.js";
import { eq, sel, sumBy } from "../promql.js";
import type { AlertGroup } from "./types.js";

/** Model provider usage: the reference's token budget alert. */
export const llmAlerts: AlertGroup = {
  name: "mcp_backend_llm",
  rules: [
    {
      alert: "HighLLMTokenUsage",
      // Reference: rate(llm_tokens_total[1h]) > 100000 compares tokens per second with a budget of
      // tokens per hour (it would fire at 360 million tokens/hour). increase() over 1h counts the
      // tokens of the last hour, prompt and completion together, over all pods.
      expr: `${sumBy(["job"], `increase(${sel(M.llmTokens, [eq("job", C.jobs.app)])}[${C.windows.llmTokens}])`)} > ${C.thresholds.llmTokensPerHour}`,
      for: C.for.highLlmTokenUsage,
      labels: { severity: "info" },
      annotations: {
        summary: "High LLM token usage",
        description: `Token usage: {{ $value | humanize }} tokens in the last hour (budget: ${C.thresholds.llmTokensPerHour} tokens/hour)`,
      },
    },
  ],
};
