import type { RequestContext, Services } from "../../services/index.js";

/** What every tool needs: the shared services and who is calling. */
export interface ToolDeps {
  services: Services;
  context: RequestContext;
}

/** A structured tool result plus the same JSON as text for clients that ignore `structuredContent`. */
export function structured<T extends Record<string, unknown>>(value: T) {
  return { content: [{ type: "text" as const, text: JSON.stringify(value) }], structuredContent: value };
}
