import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AnswerInput, AnswerOutput } from "../../schemas/answer.js";
import { structured, type ToolDeps } from "./types.js";

export function registerAnswerQuestionTool(server: McpServer, { services, context }: ToolDeps): void {
  server.registerTool(
    "answer_question",
    {
      title: "Answer from conversations",
      description:
        "Answer a question from what was said in stored conversations, citing the passages used as [1], [2], ... " +
        "with the cited chunks returned in `citations`. Without a configured language model the answer is " +
        "extractive (quoted sentences) and says so.",
      inputSchema: AnswerInput,
      outputSchema: AnswerOutput,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => structured(await services.answers.answer(args, context)),
  );
}
