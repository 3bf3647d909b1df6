/**
 * What `npm start` prints once it listens, last, so it is what a person sees: the listening line
 * (always; tooling waits for it) naming every address and whether an API key is needed, and for
 * readable logs a short block before it with the URLs and two `curl`s that work as pasted. JSON logs
 * get only the line: a block of plain text would break a log pipeline.
 */
import { networkInterfaces } from "node:os";
import { HTTP_PATHS } from "@mcp-stack/contract";
import { DOCS_PATH, OPENAPI_PATH } from "../plugins/external/swagger.js";
import { DASHBOARD_PATH } from "../routes/dashboard.js";

export interface BannerOptions {
  /** Where a local client reaches the app, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** Every URL the listener answers on (`listeningUrls`), loopback first. */
  addresses: readonly string[];
  database: string;
  metrics: string;
  /** Readable logs: add the block. */
  block: boolean;
  /** API_KEYS is set: every API request needs a key. */
  authRequired: boolean;
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

const isLoopback = (host: string) => host === "localhost" || host === "::1" || host.startsWith("127.");

/**
 * The URLs a listener bound to `host` answers on: a wildcard host (`0.0.0.0`, `::`) answers on every
 * interface's address of its family, so each is named (loopback first), not the wildcard.
 */
export function listeningUrls(host: string, port: number, interfaces = networkInterfaces()): string[] {
  const wildcard = host === "0.0.0.0" || host === "::";
  if (!wildcard) return [`http://${host.includes(":") ? `[${host}]` : host}:${port}`];
  const family = host === "::" ? "IPv6" : "IPv4";
  const urls = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === family)
    .sort((a, b) => Number(b.internal) - Number(a.internal))
    .map((i) => `http://${family === "IPv6" ? `[${i.address}]` : i.address}:${port}`);
  // No interface of that family listed (a bare sandbox): name the wildcard rather than nothing.
  return urls.length ? urls : [`http://${family === "IPv6" ? "[::]" : host}:${port}`];
}

/** Addresses other hosts can reach. */
export function exposedUrls(addresses: readonly string[]): string[] {
  return addresses.filter((a) => !isLoopback(new URL(a).hostname.replace(/^\[|\]$/g, "")));
}

/** The warning for a listener other hosts can reach while no key is required, or undefined. */
export function exposureWarning(addresses: readonly string[], authRequired: boolean): string | undefined {
  const exposed = exposedUrls(addresses);
  if (authRequired || exposed.length === 0) return undefined;
  return (
    `no API key is required and the app also listens on ${exposed.join(", ")}: anyone who can reach ` +
    "those addresses can read and delete the stored conversations. Set API_KEYS=<key>:<tenant> to require a key."
  );
}

/** Single-quoted for sh: safe to paste whatever the text holds. */
const sh = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A `curl` that POSTs `body` as JSON to `url` (with the bearer key when there is one). */
export function curlPost(url: string, body: unknown, apiKey?: string): string {
  const auth = apiKey === undefined ? "" : ` -H "authorization: Bearer ${apiKey}"`;
  return `curl -s ${url} -H 'content-type: application/json'${auth} -d ${sh(JSON.stringify(body))}`;
}

/** One line: every address (the first stays a bare word for tools that read it) and the key rule. */
export function listeningLine(o: Pick<BannerOptions, "addresses" | "authRequired">): string {
  const [first, ...others] = o.addresses;
  const also = others.length ? ` (and ${others.join(", ")})` : "";
  const auth = o.authRequired ? "API key required" : "no API key required";
  return `mcp-backend listening on ${first}${also}; ${auth}`;
}

export function startupBanner(o: BannerOptions): string {
  const line = listeningLine(o);
  if (!o.block) return line;
  const rows = [
    ["Dashboard", `${o.baseUrl}${DASHBOARD_PATH}`],
    ["API docs", `${o.baseUrl}${DOCS_PATH}  (OpenAPI: ${o.baseUrl}${OPENAPI_PATH})`],
    ["MCP", `${o.baseUrl}${HTTP_PATHS.mcp}  (Streamable HTTP; docs/quickstart.md shows client set-up)`],
    ["Database", o.database],
    ["Metrics", o.metrics],
  ];
  const keyNote =
    o.apiKey === KEY_PLACEHOLDER
      ? ["  API_KEYS is set: export API_KEY=<one of its keys> before pasting."]
      : [];
  return [
    "",
    "Store a conversation, then search it:",
    `  ${curlPost(`${o.baseUrl}/v1/conversations`, SAMPLE_CONVERSATION, o.apiKey)}`,
    `  ${curlPost(`${o.baseUrl}/v1/search`, { query: "where are deploy logs kept" }, o.apiKey)}`,
    ...keyNote,
    "",
    ...rows.map(([name, value]) => `  ${name!.padEnd(10)} ${value}`),
    "",
    line,
  ].join("\n");
}
