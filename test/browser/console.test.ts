/**
 * The operator console in a real browser (Debian's Chromium via playwright-core) against the BUILT
 * server and the fake Gemini, walking the issue's story: log in; watch a key go to "resting" with a
 * live countdown after a real 429; paste 200 keys; check them and watch the progress bar reach the end
 * with the right verdicts; see charts and per-day usage drawn from real history, also after a restart;
 * filter the request log; switch language and theme. Screenshots land in test-artifacts/console/;
 * the READMEs' docs/console.png is its 05-pool.png.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Locator, Page } from "playwright-core";
import { pacificDay } from "../../src/keys/pacific-time.js";
import { geminiErrors, startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { request } from "../support/http.js";
import { waitFor } from "../support/poll.js";
import { hasChromium, launchChromium, type RunningBrowser, watchPageProblems } from "./chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/console/", import.meta.url));
const ADMIN_TOKEN = "fake-admin-token-console";
const ACCESS_TOKEN = "fake-access-token-console";
const FILE_KEYS = ["fake-key-console-file-0001", "fake-key-console-file-0002"];
const number = (index: number) => String(index).padStart(4, "0");
/** 195 keys the fake accepts, the first 50 labelled team-a. */
const GOOD_KEYS = Array.from({ length: 195 }, (_, index) => `fake-key-console-good-${number(index + 1)}`);
const UNKNOWN_KEYS = ["fake-key-console-unknown-0001", "fake-key-console-unknown-0002"];
const SUSPENDED_KEY = "fake-key-console-suspended-0001";
const SPENT_KEY = "fake-key-console-spent-0001";
/** What a new user pastes: 199 new keys, one already in the pool, one line that is not a key. */
const PASTED = [
  ...GOOD_KEYS.map((key, index) => (index < 50 ? `${key} label=team-a` : key)),
  ...UNKNOWN_KEYS,
  SUSPENDED_KEY,
  SPENT_KEY,
  FILE_KEYS[0],
  "fake-key-console-broken-0001 proxy=not-a-url",
].join("\n");

const chromiumInstalled = hasChromium();
if (!chromiumInstalled) {
  console.warn(
    "skipping the console's browser test: no Chromium at /usr/bin/chromium (bash scripts/install-test-servers.sh installs it)",
  );
}

async function chat(url: string, model: string, text: string) {
  return request(`${url}/v1/chat/completions`, {
    token: ACCESS_TOKEN,
    body: { model, messages: [{ role: "user", content: text }] },
  });
}

async function adminJson(url: string, path: string) {
  const answer = await request(`${url}${path}`, { token: ADMIN_TOKEN });
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${answer.text}`);
  return answer.json;
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** The visible text of every element the locator finds. */
async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allInnerTexts()).map((text) => text.trim());
}

(chromiumInstalled ? describe : describe.skip)("the operator console in Chromium", () => {
  let fake: FakeGemini;
  let folder: string;
  let server: BuiltServer;
  let browser: RunningBrowser;
  let page: Page;
  /** Script errors and CSP refusals the page met: the console must run clean under its strict policy. */
  let pageProblems: string[] = [];

  const startServer = () =>
    startBuiltServer({
      geminiBaseUrl: fake.url,
      keys: FILE_KEYS,
      folder,
      env: { ADMIN_TOKEN, ACCESS_TOKEN },
    });

  const logIn = async () => {
    await page.goto(`${server.url}/console#/pool`);
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Key pool" }).waitFor();
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    fake = await startFakeGemini({
      keys: [...FILE_KEYS, ...GOOD_KEYS, SUSPENDED_KEY, SPENT_KEY],
    });
    fake.setKeyBehavior(SUSPENDED_KEY, geminiErrors.consumerSuspended());
    fake.setKeyBehavior(SPENT_KEY, geminiErrors.quotaPerDay({ model: "gemini-2.5-flash" }));
    folder = await mkdtemp(join(tmpdir(), "gemini-rotator-console-"));
    server = await startServer();
    browser = await launchChromium({ locale: "en-US" });
    page = browser.page;
    pageProblems = watchPageProblems(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test("a wrong token is refused; ADMIN_TOKEN opens the console", async () => {
    await page.goto(`${server.url}/console`);
    await page.getByLabel("Admin token").fill("not-the-admin-token");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").getByText("That token is not the gateway's ADMIN_TOKEN.").waitFor();
    await screenshot(page, "01-login");

    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Key pool" }).waitFor();
    await page.getByTestId("pool-counts").getByText("2 available").waitFor();
    // The counts arrive over the live feed and the rows over their own request: wait for the second row.
    const rows = page.locator("[data-testid=pool-table] tbody tr");
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
  }, 60_000);

  test("after a real 429 the key shows as resting for that model, with a countdown that ticks", async () => {
    fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 300 }));
    const answer = await chat(server.url, "gemini-2.5-flash", "hello from the console test");
    expect(answer.status).toBe(200);
    const resting = await waitFor(
      async () => {
        const pool = await adminJson(server.url, "/admin/keys?state=cooling");
        return pool.keys[0]?.id as string | undefined;
      },
      { what: "a resting key in /admin/keys" },
    );

    // No reload: the server pushes the change and the row follows.
    const row = page.locator(`[data-testid=pool-table] tr[data-key-id="${resting}"]`);
    await row.locator(".badge", { hasText: "resting" }).waitFor();
    const countdown = row.locator('li[data-model="gemini-2.5-flash"] .countdown');
    const first = (await countdown.innerText()).trim();
    expect(first).toMatch(/^[45]:\d\d$/);
    await page.getByTestId("pool-counts").getByText("1 resting").waitFor();
    await waitFor(async () => ((await countdown.innerText()).trim() !== first ? true : undefined), {
      what: "the countdown to tick",
      timeoutMs: 10_000,
    });
    await screenshot(page, "02-pool-resting");
  }, 60_000);

  test("200 pasted keys: added, already present and malformed lines are told apart", async () => {
    await page.getByRole("link", { name: "Keys" }).click();
    await page.getByRole("textbox", { name: "Import keys" }).fill(PASTED);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByTestId("import-result").getByText("199 added, 1 already present, 1 malformed").waitFor();
    expect(await texts(page.getByTestId("import-result").locator("li"))).toEqual([
      expect.stringMatching(/^Line 201: /),
    ]);
    await screenshot(page, "03-import");
  }, 60_000);

  test("checking the imported keys fills the progress bar and sorts them by verdict", async () => {
    await page.getByLabel("Keys to check").selectOption({ label: "The 199 keys just imported" });
    await page.getByRole("button", { name: "Check", exact: true }).click();
    await page.getByTestId("check-summary").getByText("Checked 199 keys.").waitFor({ timeout: 60_000 });
    const bar = page.getByRole("progressbar", { name: "Check progress" });
    expect(await bar.getAttribute("value")).toBe("199");
    expect(await bar.getAttribute("max")).toBe("199");
    expect((await page.getByTestId("check-progress-text").innerText()).trim()).toBe("199 / 199 (100%)");
    const count = async (verdict: string) =>
      (
        await page
          .locator(`[data-testid=check-verdicts] [data-verdict=${verdict}] .verdict-count`)
          .innerText()
      ).trim();
    expect(await count("valid")).toBe("195");
    expect(await count("invalid")).toBe("2");
    expect(await count("suspended")).toBe("1");
    expect(await count("quota_exhausted")).toBe("1");
    expect(await page.locator("[data-testid=check-results] tbody tr").count()).toBe(199);
    await page.locator("[data-testid=check-verdicts] [data-verdict=invalid]").click();
    expect(await page.locator("[data-testid=check-results] tbody tr").count()).toBe(2);
    await screenshot(page, "04-check");
  }, 120_000);

  test("the pool then shows which keys serve, which rest and why, and until when", async () => {
    await page.getByRole("link", { name: "Pool" }).click();
    await page.getByLabel("State", { exact: true }).selectOption("disabled");
    await waitFor(
      async () =>
        (await page.locator("[data-testid=pool-table] tbody tr").count()) === 3 ? true : undefined,
      {
        what: "the three disabled keys (two unknown, one suspended)",
      },
    );
    // Resting: the key of the scripted 429 (minutes) and the key whose daily quota is spent (until midnight).
    await page.getByLabel("State", { exact: true }).selectOption("cooling");
    const resting = page.locator("[data-testid=pool-table] tbody tr");
    await waitFor(async () => ((await resting.count()) === 2 ? true : undefined), {
      what: "two resting keys",
    });
    expect(await resting.locator('li[data-model="gemini-2.5-flash"] .countdown').count()).toBe(2);
    await page.getByLabel("State", { exact: true }).selectOption("");
    await page.getByLabel("Label", { exact: true }).selectOption("team-a");
    await page.getByText("1–50 of 50").waitFor();
    await page.getByLabel("Label", { exact: true }).selectOption("");
    await page.getByText("1–100 of 201").waitFor();
    // Disabled keys first, then resting ones: the picture of the pool the READMEs show (docs/console.png).
    await page.getByRole("button", { name: "Ascending ↑" }).click();
    await page.locator('[data-testid=pool-table] tbody tr[data-state="disabled"]').first().waitFor();
    expect(await page.locator("[data-testid=pool-table] tbody tr").first().getAttribute("data-state")).toBe(
      "disabled",
    );
    await screenshot(page, "05-pool");
  }, 60_000);

  test("keys are fixed with a click: enable, disable, label, remove, by label, reload the file", async () => {
    const rows = page.locator("[data-testid=pool-table] tbody tr");
    const row = (id: string) => page.locator(`[data-testid=pool-table] tr[data-key-id="${id}"]`);
    // Keys without a label, so that the actions on team-a below meet none of them.
    const idAt = async (state: string, index: number) =>
      (await rows
        .and(page.locator(`[data-state="${state}"]`))
        .filter({ has: page.getByRole("button", { name: "no label" }) })
        .nth(index)
        .getAttribute("data-key-id")) ?? "";

    const disabled = await idAt("disabled", 0);
    await row(disabled).getByRole("button", { name: "Enable" }).click();
    await row(disabled).locator('.badge[data-state="active"]').waitFor();

    const [labelled, paused, removed] = [
      await idAt("active", 1),
      await idAt("active", 2),
      await idAt("active", 3),
    ];
    await row(labelled).locator("td:nth-child(2) button").click();
    await row(labelled).getByRole("textbox").fill("spare");
    await row(labelled).getByRole("button", { name: "Save" }).click();
    await row(labelled).getByRole("button", { name: "spare" }).waitFor();

    await row(paused).getByRole("button", { name: "Disable" }).click();
    await row(paused).locator('.badge[data-state="disabled"]').waitFor();

    await row(removed).getByRole("button", { name: "Remove" }).click();
    await row(removed).getByRole("button", { name: "Really remove" }).click();
    await page.getByText("1–100 of 200").waitFor();
    expect(await row(removed).count()).toBe(0);
    const pool = await adminJson(server.url, "/admin/keys?limit=1000");
    const state = (id: string) => pool.keys.find((key: { id: string }) => key.id === id);
    expect(state(disabled)?.state).toBe("active");
    expect(state(labelled)?.label).toBe("spare");
    expect(state(paused)?.state).toBe("disabled");
    expect(state(removed)).toBeUndefined();

    await page.getByRole("link", { name: "Keys" }).click();
    await page.getByLabel("Keys to act on").selectOption("team-a");
    await page.getByRole("button", { name: "Disable", exact: true }).click();
    await page.getByText("Done: 50 keys affected.").waitFor();
    const teamA = await adminJson(server.url, "/admin/keys?label=team-a&state=disabled&limit=1000");
    expect(teamA.total).toBe(50);
    await page.getByRole("button", { name: "Enable", exact: true }).click();
    await page.getByText("Done: 50 keys affected.").waitFor();
    expect((await adminJson(server.url, "/admin/keys?label=team-a&state=disabled")).total).toBe(0);
    // Left disabled: one unknown key, the suspended one and the one paused above.
    expect((await adminJson(server.url, "/admin/keys?state=disabled")).total).toBe(3);

    await page.getByRole("button", { name: "Reload the keys file" }).click();
    await page.getByText("Keys file read: 0 added, 0 removed, 200 keys in the pool.").waitFor();
    await page.getByTestId("pool-counts").getByText("3 disabled").waitFor();
    await page.getByTestId("pool-counts").getByText("195 active").waitFor();
    await screenshot(page, "06-keys-actions");
  }, 60_000);

  test("usage charts and per-day totals come from the stored history, also after a restart", async () => {
    const startedAt = Date.now();
    for (let index = 0; index < 3; index++) {
      expect((await chat(server.url, "gemini-2.5-flash", `flash ${index}`)).status).toBe(200);
    }
    for (let index = 0; index < 2; index++) {
      expect((await chat(server.url, "gemini-2.5-pro", `pro ${index}`)).status).toBe(200);
    }
    // History is written in batches: wait until the server's own answer has the requests.
    await waitFor(
      async () => {
        const to = new Date(Date.now() + 3_600_000).toISOString();
        const from = new Date(Date.now() - 3_600_000).toISOString();
        const history = await adminJson(
          server.url,
          `/admin/history?from=${from}&to=${to}&groupBy=hour&by=model`,
        );
        const models = new Set(history.buckets.map((bucket: { model?: string }) => bucket.model));
        return models.has("gemini-2.5-pro") && models.has("gemini-2.5-flash") ? true : undefined;
      },
      { what: "the requests in /admin/history" },
    );

    const checkUsage = async (name: string) => {
      await page.getByRole("link", { name: "Usage" }).click();
      const requests = page.getByTestId("chart-requests");
      await requests.locator("canvas").waitFor();
      const legend = await texts(requests.locator(".u-legend .u-label"));
      expect(legend).toEqual(expect.arrayContaining(["gemini-2.5-flash", "gemini-2.5-pro"]));
      await page.getByTestId("chart-availability").locator("canvas").waitFor();
      await page.getByTestId("chart-failures").locator("canvas").waitFor();
      expect(await page.getByTestId("per-day-table").locator("tbody tr").count()).toBeGreaterThan(0);
      await screenshot(page, name);
    };
    await checkUsage("07-usage");

    // The per-day columns are Pacific days (Gemini's quota day), headed by their Pacific date even in a
    // browser in Tokyo, where it is already the next day for most of the Pacific day.
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Emulation.setTimezoneOverride", { timezoneId: "Asia/Tokyo" });
    try {
      await page.getByRole("link", { name: "Pool" }).click();
      await page.getByRole("link", { name: "Usage" }).click();
      const headers = page.getByTestId("per-day-table").locator("thead th[title]");
      await headers.first().waitFor();
      const pacificToday = [pacificDay(startedAt), pacificDay(Date.now())];
      const days = await headers.evaluateAll((cells) =>
        cells.map((cell) => cell.getAttribute("title") ?? ""),
      );
      expect(days.length).toBeGreaterThan(0);
      expect(days.filter((day) => !pacificToday.includes(day))).toEqual([]);
      const label = (day: string) =>
        new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }).format(
          new Date(`${day}T00:00:00Z`),
        );
      expect(await texts(headers)).toEqual(days.map(label));
      await page.getByText("Days are Pacific days").first().waitFor();
      // Over 30 days the charts are per Pacific day: the latest point is labelled with today's Pacific date.
      await page.getByRole("button", { name: "30 days" }).click();
      const chart = page.getByTestId("chart-requests");
      // The chart is drawn anew for the new range (the old one may still be there a moment): hover the
      // latest point until the legend reads a date, as only the day chart labels its points.
      const time = await waitFor(
        async () => {
          const plot = chart.locator(".u-over");
          const box = await plot.boundingBox();
          if (!box) return undefined;
          await plot.hover({ position: { x: box.width - 1, y: box.height / 2 } });
          const value = (await texts(chart.locator(".u-legend .u-series").first().locator(".u-value")))[0];
          return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
        },
        { what: "the 30-day chart's label of its latest point" },
      );
      expect(pacificToday).toContain(time);
    } finally {
      await cdp.send("Emulation.setTimezoneOverride", { timezoneId: "" });
      await cdp.detach();
    }

    await server.stop();
    server = await startServer();
    await logIn();
    await checkUsage("08-usage-after-restart");
    await page.getByRole("link", { name: "Pool" }).click();
    await page.getByText("1–100 of 200").waitFor();
  }, 120_000);

  test("the request log filters by model, status and time", async () => {
    await page.getByRole("link", { name: "Log" }).click();
    const rows = page.locator("[data-testid=log-table] tbody tr");
    await rows.first().waitFor();
    await page.getByLabel("Model", { exact: true }).fill("gemini-2.5-pro");
    await waitFor(async () => ((await rows.count()) === 2 ? true : undefined), {
      what: "two gemini-2.5-pro rows",
    });
    expect(await texts(rows.locator("td:nth-child(4)"))).toEqual(["gemini-2.5-pro", "gemini-2.5-pro"]);
    await page.getByLabel("Model", { exact: true }).fill("");
    await page.getByLabel("Status", { exact: true }).selectOption("2xx");
    await waitFor(async () => ((await rows.count()) >= 6 ? true : undefined), {
      what: "the successful requests",
    });
    for (const status of await texts(rows.locator("td:nth-child(6)"))) expect(status).toBe("200");
    // From tomorrow on: nothing yet.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const pad = (value: number) => String(value).padStart(2, "0");
    await page
      .getByLabel("From", { exact: true })
      .fill(`${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T00:00`);
    await page.getByText("No request matches.").waitFor();
    expect(await rows.count()).toBe(0);
    await page.getByLabel("From", { exact: true }).fill("");
    await rows.first().waitFor();
    await screenshot(page, "09-log");
  }, 60_000);

  test("the language and theme switches change the whole page", async () => {
    await page.getByRole("link", { name: "Pool" }).click();
    await page.getByLabel("Language").selectOption("zh");
    await page.getByRole("heading", { name: "密钥池" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await page.getByRole("link", { name: "用量" }).waitFor();
    await page.getByLabel("主题").selectOption("dark");
    expect(await page.locator("html").getAttribute("data-theme")).toBe("dark");
    await screenshot(page, "10-pool-zh-dark");
    // The choice is remembered in this browser.
    await page.reload();
    await page.getByRole("heading", { name: "密钥池" }).waitFor();
    expect(await page.locator("html").getAttribute("data-theme")).toBe("dark");
  }, 60_000);

  test("a browser that prefers Chinese opens the console in Chinese", async () => {
    const chinese = await launchChromium({ locale: "zh-CN" });
    try {
      const tab = chinese.page;
      await tab.goto(`${server.url}/console`);
      await tab.getByRole("heading", { name: "gemini-rotator 控制台" }).waitFor({ timeout: 20_000 });
      await tab.getByLabel("管理令牌").waitFor();
      expect(await tab.locator("html").getAttribute("lang")).toBe("zh-CN");
      await tab.screenshot({ path: join(ARTIFACTS, "11-login-zh.png") });
    } finally {
      await chinese.close();
    }
  }, 60_000);

  test("no script error and nothing refused by the Content-Security-Policy along the way", () => {
    expect(pageProblems).toEqual([]);
  });
});
