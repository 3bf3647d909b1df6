/**
 * Debian's Chromium driven by playwright-core, for the dashboard's browser tests. playwright-core
 * never downloads a browser; scripts/test-all.sh installs the Debian package (APT_TOOLS). Missing,
 * the test fails with the line that installs it rather than skipping.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** No GPU, no sandbox (root in CI containers), and nothing that reaches the network on its own. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the dashboard's browser tests drive Debian's Chromium. Install it with:\n` +
        "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium\n" +
        "(bash scripts/test-all.sh does this for you.)",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
