/**
 * What `npm start` prints once it listens: the listening line (always; tooling waits for it) and,
 * for a person reading readable logs, a short block with the URLs and two `curl`s that work as
 * pasted. JSON logs get only the line: a block of plain text would break a log pipeline.
 */
import { HTTP_PATHS } from "@mcp-stack/contract";
import { DOCS_PATH, OPENAPI_PATH } from "../plugins/external/swagger.js";

export interface BannerOptions {
  /** Where a local client reaches the app, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** As fastify reported it (`http://0.0.0.0:8000`). */
  address: string;
  database: string;
  metrics: string;
  /** Readable logs: add the block. */
  block: boolean;
  /**
   * Put into the curls' Authorization header. Undefined with auth off. Printed only to a terminal;
   * elsewhere pass {@link KEY_PLACEHOLDER} so no key lands in collected output.
   */
  apiKey?: string;
}

export const KEY_PLACEHOLDER = "$API_KEY";

/** The conversation the banner's (and the quickstart's) first curl stores. */
export const SAMPLE_CONVERSATION = {
  id: "hello",
  messages: [
    { role: "user", content: "Where do the deploy logs go?" },
    { role: "assistant", content: "Deploy logs are shipped to Loki and kept for 14 days." },
  ],
};

/** Single-quoted for sh: safe to paste whatever the text holds. */
const sh = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A `curl` that POSTs `body` as JSON to `url` (with the bearer key when there is one). */
export function curlPost(url: string, body: unknown, apiKey?: string): string {
  const auth = apiKey === undefined ? "" : ` -H "authorization: Bearer ${apiKey}"`;
  return `curl -s ${url} -H 'content-type: application/json'${auth} -d ${sh(JSON.stringify(body))}`;
}

export function startupBanner(o: BannerOptions): string {
  const line = `mcp-backend listening on ${o.address} (database: ${o.database}; metrics: ${o.metrics})`;
  if (!o.block) return line;
  const rows = [
    ["API", o.baseUrl],
    ["Reference", `${o.baseUrl}${DOCS_PATH}  (OpenAPI: ${o.baseUrl}${OPENAPI_PATH})`],
    ["MCP", `${o.baseUrl}${HTTP_PATHS.mcp}  (Streamable HTTP; docs/quickstart.md shows client set-up)`],
  ];
  const keyNote =
    o.apiKey === KEY_PLACEHOLDER
      ? ["", "API_KEYS is set: export API_KEY=<one of its keys> before pasting."]
      : [];
  return [
    line,
    "",
    ...rows.map(([name, value]) => `  ${name!.padEnd(10)} ${value}`),
    "",
    "Store a conversation, then search it:",
    `  ${curlPost(`${o.baseUrl}/v1/conversations`, SAMPLE_CONVERSATION, o.apiKey)}`,
    `  ${curlPost(`${o.baseUrl}/v1/search`, { query: "where are deploy logs kept" }, o.apiKey)}`,
    ...keyNote,
    "",
  ].join("\n");
}
