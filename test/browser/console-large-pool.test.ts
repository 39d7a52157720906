/**
 * The console without ADMIN_TOKEN, on a pool of 5,000 keys, in Chromium against the built server: it
 * opens at once for a browser on this machine (no login), and the Pool page stays a page of 100 rows
 * that the gateway filters, sorts and pages.
 */
import type { Page } from "playwright-core";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { hasChromium, launchChromium, type RunningBrowser } from "./chromium.js";

const KEY_COUNT = 5000;
const LABELLED = 12;
const keyLines = Array.from({ length: KEY_COUNT }, (_, index) => {
  const key = `fake-key-pool-${String(index + 1).padStart(5, "0")}`;
  return index < LABELLED ? `${key} label=night-shift` : key;
});

const chromiumInstalled = hasChromium();
if (!chromiumInstalled) {
  console.warn(
    "skipping the console's large-pool browser test: no Chromium at /usr/bin/chromium (bash scripts/install-test-servers.sh installs it)",
  );
}

(chromiumInstalled ? describe : describe.skip)("the console on 5,000 keys, without ADMIN_TOKEN", () => {
  let fake: FakeGemini;
  let server: BuiltServer;
  let browser: RunningBrowser;
  let page: Page;

  beforeAll(async () => {
    fake = await startFakeGemini();
    server = await startBuiltServer({ geminiBaseUrl: fake.url, keys: keyLines });
    browser = await launchChromium();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  test("a browser on this machine gets the console with no login", async () => {
    await page.goto(`${server.url}/console`);
    await page.getByRole("heading", { name: "Key pool" }).waitFor();
    expect(await page.getByLabel("Admin token").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Log out" }).count()).toBe(0);
    await page.getByTestId("pool-counts").getByText("5,000 available").waitFor();
  }, 60_000);

  test("the pool shows 100 keys a page, pages on, and filters by label on the server", async () => {
    const rows = page.locator("[data-testid=pool-table] tbody tr");
    await page.getByText("1–100 of 5,000").waitFor();
    expect(await rows.count()).toBe(100);
    const firstPage = await rows.first().getAttribute("data-key-id");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("101–200 of 5,000").waitFor();
    expect(await rows.count()).toBe(100);
    expect(await rows.first().getAttribute("data-key-id")).not.toBe(firstPage);
    await page.getByRole("button", { name: "Previous" }).click();
    await page.getByText("1–100 of 5,000").waitFor();
    expect(await rows.first().getAttribute("data-key-id")).toBe(firstPage);

    await page.getByLabel("Label", { exact: true }).selectOption("night-shift");
    await page.getByText(`1–${LABELLED} of ${LABELLED}`).waitFor();
    const labels = await rows.locator("td:nth-child(2)").allInnerTexts();
    expect(labels).toEqual(Array.from({ length: LABELLED }, () => "night-shift"));
  }, 60_000);
});
