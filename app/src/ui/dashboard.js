// @ts-check
/**
 * The dashboard's script: plain JavaScript so the app serves it as is (no build step, nothing fetched
 * at run time), type-checked through JSDoc (app/src/ui/tsconfig.json). It only calls this server's
 * REST API. Text from the API is always set through textContent, never parsed as HTML.
 */

/** The pasted API key: kept in this tab's memory only (not storage, not the URL). */
let apiKey = "";
/** The list's next page, or null on the last one. */
let nextCursor = /** @type {string | null} */ (null);
/** The conversation on view. */
let viewing = "";

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing from the page`);
  return element;
}

/**
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 */
function el(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** @param {string} message @param {boolean} [error] */
function say(message, error = false) {
  const line = byId("status", HTMLParagraphElement);
  line.textContent = message;
  line.className = error ? "error" : "";
  line.setAttribute("role", error ? "alert" : "status");
}

/**
 * Calls the API; a non-2xx answer becomes an Error carrying the server's message.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
  });
  if (response.status === 204) return undefined;
  const payload = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = payload?.error?.message ?? `${response.status} ${response.statusText}`;
    const hint = response.status === 401 ? " (paste an API key above)" : "";
    throw new Error(`${message}${hint}`);
  }
  return payload;
}

/** @param {unknown} error */
const fail = (error) => say(error instanceof Error ? error.message : String(error), true);

/** @param {FormData} form @param {string} name */
const field = (form, name) => String(form.get(name) ?? "").trim();

/** `datetime-local` values are local times without an offset; the API wants ISO 8601 with one. */
const iso = (/** @type {string} */ local) => (local ? new Date(local).toISOString() : "");

/** @param {string} id */
function conversationButton(id) {
  const button = el("button", id, "link");
  button.setAttribute("type", "button");
  button.addEventListener("click", () => void view(id));
  return button;
}

/** @param {boolean} more */
async function list(more) {
  const form = new FormData(byId("list-form", HTMLFormElement));
  const query = new URLSearchParams();
  for (const [name, value] of [
    ["user_id", field(form, "user_id")],
    ["since", iso(field(form, "since"))],
    ["until", iso(field(form, "until"))],
    ["limit", field(form, "limit")],
  ]) {
    if (value) query.set(String(name), String(value));
  }
  if (more && nextCursor) query.set("cursor", nextCursor);
  const page = await api("GET", `/v1/conversations?${query}`);
  const body = byId("list", HTMLTableElement).tBodies[0];
  if (!body) return;
  if (!more) body.replaceChildren();
  for (const c of page.conversations) {
    const row = el("tr");
    const name = el("td");
    name.append(conversationButton(c.id));
    if (c.title) name.append(el("div", c.title, "meta"));
    row.append(name, el("td", c.user_id ?? "—"), el("td", String(c.message_count)), el("td", c.created_at));
    body.append(row);
  }
  nextCursor = page.next_cursor;
  byId("list-more", HTMLButtonElement).hidden = nextCursor === null;
  say(`${body.rows.length} conversation(s) shown${nextCursor ? "; more on the next page" : ""}.`);
}

/**
 * @param {HTMLOListElement} target
 * @param {{ conversation_id: string, text: string, score?: number, message_range?: { start: number, end: number } }[]} hits
 */
function showHits(target, hits) {
  target.replaceChildren(
    ...hits.map((hit) => {
      const item = el("li");
      const meta = el("div", "", "meta");
      meta.append(conversationButton(hit.conversation_id));
      const range = hit.message_range ? ` messages ${hit.message_range.start}–${hit.message_range.end}` : "";
      const score = hit.score === undefined ? "" : ` · score ${hit.score.toFixed(4)}`;
      meta.append(`${range}${score}`);
      item.append(meta, el("p", hit.text, "text"));
      return item;
    }),
  );
}

async function search() {
  const form = new FormData(byId("search-form", HTMLFormElement));
  const { results } = await api("POST", "/v1/search", {
    query: field(form, "query"),
    mode: field(form, "mode"),
    k: Number(field(form, "k")),
  });
  showHits(byId("search-results", HTMLOListElement), results);
  say(results.length ? `${results.length} result(s).` : "No result is relevant enough.");
}

async function answer() {
  const form = new FormData(byId("answer-form", HTMLFormElement));
  const result = await api("POST", "/v1/answer", { question: field(form, "question"), k: Number(field(form, "k")) });
  byId("answer-text", HTMLPreElement).textContent = result.answer;
  showHits(byId("answer-citations", HTMLOListElement), result.citations);
  byId("answer", HTMLDivElement).hidden = false;
  say(`Answered by ${result.model} with ${result.citations.length} citation(s).`);
}

/** @param {string} id */
async function view(id) {
  const c = await api("GET", `/v1/conversations/${encodeURIComponent(id)}`);
  viewing = c.id;
  const meta = byId("view-meta", HTMLElement);
  meta.replaceChildren();
  for (const [name, value] of [
    ["Id", c.id],
    ["Title", c.title ?? "—"],
    ["User", c.user_id ?? "—"],
    ["First ingested", c.created_at],
    ["Last changed", c.updated_at],
    ["Metadata", JSON.stringify(c.metadata)],
  ]) {
    meta.append(el("dt", name), el("dd", value));
  }
  byId("view-messages", HTMLOListElement).replaceChildren(
    ...c.messages.map((/** @type {{ seq: number, role: string, content: string, created_at: string }} */ m) => {
      const item = document.createElement("li");
      item.value = m.seq;
      item.append(el("div", `${m.role} · ${m.created_at}`, "meta"), el("p", m.content, "text"));
      return item;
    }),
  );
  const section = byId("view", HTMLElement);
  section.hidden = false;
  byId("view-title", HTMLHeadingElement).textContent = `Conversation ${c.id}`;
  section.scrollIntoView();
  byId("view-delete", HTMLButtonElement).focus();
  say(`Showing ${c.id} (${c.messages.length} message(s)).`);
}

async function remove() {
  if (!viewing) return;
  if (!window.confirm(`Delete conversation "${viewing}" with its messages and chunks? This cannot be undone.`)) {
    say("Nothing deleted.");
    return;
  }
  await api("DELETE", `/v1/conversations/${encodeURIComponent(viewing)}`);
  const deleted = viewing;
  viewing = "";
  byId("view", HTMLElement).hidden = true;
  await list(false);
  say(`Deleted ${deleted}.`);
}

/** Runs a form's action on submit, reporting errors on the status line. */
function onSubmit(/** @type {string} */ id, /** @type {() => Promise<void>} */ action) {
  byId(id, HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    action().catch(fail);
  });
}

function start() {
  onSubmit("key-form", async () => {
    apiKey = byId("api-key", HTMLInputElement).value.trim();
    byId("api-key", HTMLInputElement).value = "";
    say(apiKey ? "API key set for this tab." : "No API key.");
    await list(false);
  });
  byId("key-forget", HTMLButtonElement).addEventListener("click", () => {
    apiKey = "";
    say("API key forgotten.");
  });
  onSubmit("list-form", () => list(false));
  onSubmit("search-form", search);
  onSubmit("answer-form", answer);
  byId("list-more", HTMLButtonElement).addEventListener("click", () => void list(true).catch(fail));
  byId("view-delete", HTMLButtonElement).addEventListener("click", () => void remove().catch(fail));
  list(false).catch(fail);
}

start();
