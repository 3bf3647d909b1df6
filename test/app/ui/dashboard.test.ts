/**
 * The dashboard at `/` in a real browser (Debian's Chromium through playwright-core) against the app
 * listening on a loopback port with API_KEYS on: the page itself needs no key, every API call it makes
 * does. List (filter, pages), view, search, answer and delete (with confirmation) are driven through the
 * page as a user would, keyboard included; the CSP blocks anything inline or off-origin.
 * UPDATE_SCREENSHOTS=1 also writes docs/images/dashboard*.png.
 */
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../../app/src/routes/dashboard.js";
import { launchChromium } from "../../helpers/chromium.js";
import { startApp, useDatabase } from "../helpers.js";

const KEY = "dashboard-test-key-0123456789";
const auth = { authorization: `Bearer ${KEY}` };
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(import.meta.dirname, "../../../docs/images") : "";

const CONVERSATIONS = [
  {
    id: "deploy-logs",
    title: "Where deploy logs go",
    user_id: "alice",
    messages: [
      { role: "user", content: "Where do the deploy logs go?" },
      { role: "assistant", content: "Deploy logs are shipped to Loki and kept for 14 days." },
    ],
  },
  {
    id: "redis-cache",
    user_id: "bob",
    messages: [
      { role: "user", content: "What do we use for caching?" },
      { role: "assistant", content: "Redis is the shared cache, with a five minute TTL." },
    ],
  },
  {
    id: "on-call",
    user_id: "alice",
    messages: [
      { role: "user", content: "Who is on call this week?" },
      { role: "assistant", content: "Dana is on call until Friday, then Eli." },
    ],
  },
];

describe("the dashboard in Chromium", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    app = await startApp(db.current.databases, {
      env: { API_KEYS: `${KEY}:acme`, RATE_LIMIT_PER_MINUTE: "0" },
    });
    for (const body of CONVERSATIONS) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/conversations",
        headers: auth,
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    base = await app.listen({ host: "127.0.0.1", port: 0 });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    cspViolations.length = 0;
    page.on("console", (m) => {
      if (/content security policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });
  afterEach(async () => {
    await page?.close();
    await app?.close();
  });

  const status = () => page.locator("#status");
  const listIds = () => page.locator("#list tbody tr td:first-child button").allTextContents();
  const useKey = async () => {
    await page.fill("#api-key", KEY);
    await page.click("#key-form button[type=submit]");
    await expect.poll(listIds).toHaveLength(3);
  };

  it("is served without a key, same-origin only, and asks for the key the API needs", async () => {
    const response = await page.goto(base);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain("unsafe-inline");
    // The first listing is refused (auth on, no key yet) and the page says what to do.
    await expect.poll(() => status().textContent()).toContain("paste an API key");
    await useKey();
    expect(await listIds()).toEqual(expect.arrayContaining(CONVERSATIONS.map((c) => c.id)));
    // The key is not left in the field, the URL or storage.
    expect(await page.inputValue("#api-key")).toBe("");
    expect(page.url()).not.toContain(KEY);
    expect(
      await page.evaluate<string>("JSON.stringify({ ...localStorage, ...sessionStorage })"),
    ).not.toContain(KEY);
    expect(cspViolations).toEqual([]);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "dashboard.png"), fullPage: true });
  });

  it("lists a page at a time and filters by user", async () => {
    await page.goto(base);
    await useKey();
    await page.fill("#list-form [name=limit]", "2");
    await page.click("#list-form button[type=submit]");
    await expect.poll(listIds).toHaveLength(2);
    await page.click("#list-more");
    await expect.poll(listIds).toHaveLength(3);
    await expect.poll(() => page.isHidden("#list-more")).toBe(true);

    await page.fill("#list-form [name=limit]", "20");
    await page.fill("#list-form [name=user_id]", "alice");
    await page.click("#list-form button[type=submit]");
    await expect.poll(async () => (await listIds()).sort()).toEqual(["deploy-logs", "on-call"]);
  });

  it("searches, answers with citations and opens a conversation from a hit, by keyboard", async () => {
    await page.goto(base);
    await useKey();
    await page.fill("#search-form [name=query]", "where are deploy logs kept");
    await page.selectOption("#search-form [name=mode]", "semantic");
    await page.press("#search-form [name=query]", "Enter");
    const hits = page.locator("#search-results li");
    await expect.poll(() => hits.count()).toBeGreaterThan(0);
    expect(await hits.first().textContent()).toContain("Loki");

    await page.fill("#answer-form [name=question]", "Where do deploy logs go?");
    await page.press("#answer-form [name=question]", "Enter");
    await expect.poll(() => page.locator("#answer-text").textContent()).toContain("Loki");
    expect(await page.locator("#answer-citations li").first().textContent()).toContain("deploy-logs");

    // Tab to the first hit's conversation link and open it with the keyboard.
    await hits.first().locator("button").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#view-title").textContent()).toBe("Conversation deploy-logs");
    expect(await page.locator("#view-messages li").allTextContents()).toEqual([
      expect.stringContaining("Where do the deploy logs go?"),
      expect.stringContaining("kept for 14 days"),
    ]);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "dashboard-search.png"), fullPage: true });
  });

  it("deletes only after confirmation", async () => {
    await page.goto(base);
    await useKey();
    await page.locator("#list button", { hasText: "redis-cache" }).click();
    await expect.poll(() => page.isVisible("#view-delete")).toBe(true);

    page.once("dialog", (d) => void d.dismiss());
    await page.click("#view-delete");
    await expect.poll(() => status().textContent()).toBe("Nothing deleted.");
    const kept = await app.inject({ method: "GET", url: "/v1/conversations/redis-cache", headers: auth });
    expect(kept.statusCode).toBe(200);

    let question = "";
    page.once("dialog", (d) => {
      question = d.message();
      void d.accept();
    });
    await page.click("#view-delete");
    await expect.poll(() => status().textContent()).toBe("Deleted redis-cache.");
    expect(question).toContain("redis-cache");
    expect(await listIds()).not.toContain("redis-cache");
    const gone = await app.inject({ method: "GET", url: "/v1/conversations/redis-cache", headers: auth });
    expect(gone.statusCode).toBe(404);
  });

  it("fits a phone's width", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(base);
    await useKey();
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
