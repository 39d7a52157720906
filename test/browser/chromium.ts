/**
 * Debian's Chromium driven by playwright-core, for tests of the operator console in a real browser.
 * Installed by scripts/install-test-servers.sh; where it is missing the browser tests are skipped with a
 * warning. Every launch gets a fresh profile, and the flags that keep Chromium from calling Google's
 * services (background networking, component updates, sync), which this closed network cannot reach.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface LaunchOptions {
  /** e.g. `en-US` or `zh-CN`: what the browser says it prefers (Accept-Language, navigator.languages). */
  locale?: string;
  colorScheme?: "light" | "dark";
}

export interface RunningBrowser {
  context: BrowserContext;
  /** The browser's first tab, waiting up to 20 s for what a test looks for. */
  page: Page;
  close(): Promise<void>;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<RunningBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "gemini-rotator-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 900 },
    locale: options.locale ?? "en-US",
    colorScheme: options.colorScheme ?? "light",
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The script errors and Content-Security-Policy refusals the page meets from now on (the console must
 * run clean under its strict policy); the list fills as they happen.
 */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return problems;
}
