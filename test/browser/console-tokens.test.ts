/**
 * The console's Tokens page in Chromium against the BUILT server and the fake Gemini (issue 15): create
 * a client token in the form, copy its secret (shown once), use it against /v1/chat/completions and
 * watch its use appear without a reload, change a limit (a wrong one is refused inline) and see the
 * client refused at it, revoke it and see the client get 401, delete it. A token of CLIENT_TOKENS_FILE
 * is listed as read-only; a token created and revoked through the admin API (curl, another tab) shows on
 * the open page by itself. Screenshots land in test-artifacts/console/.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { hashClientTokenSecret, mintClientTokenSecret } from "../../src/clients/client-token-secret.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { request } from "../support/http.js";
import { hasChromium, launchChromium, type RunningBrowser, watchPageProblems } from "./chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/console/", import.meta.url));
const ADMIN_TOKEN = "fake-admin-token-tokens-page";
const ACCESS_TOKEN = "fake-access-token-tokens-page";
const KEYS = ["fake-key-tokens-page-0001", "fake-key-tokens-page-0002"];

const chromiumInstalled = hasChromium();
if (!chromiumInstalled) {
  console.warn(
    "skipping the console's Tokens page browser test: no Chromium at /usr/bin/chromium (bash scripts/install-test-servers.sh installs it)",
  );
}

(chromiumInstalled ? describe : describe.skip)("the console's Tokens page in Chromium", () => {
  let fake: FakeGemini;
  let folder: string;
  let server: BuiltServer;
  let browser: RunningBrowser;
  let page: Page;
  let pageProblems: string[] = [];

  const chat = (secret: string, model = "gemini-2.5-flash") =>
    request(`${server.url}/v1/chat/completions`, {
      token: secret,
      body: { model, messages: [{ role: "user", content: "hello from the Tokens page test" }] },
    });
  const row = (name: string) => page.locator(`[data-testid=tokens-table] tr[data-token-name="${name}"]`);
  const screenshot = (name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    fake = await startFakeGemini({ keys: KEYS });
    folder = await mkdtemp(join(tmpdir(), "gemini-rotator-tokens-page-"));
    const tokensFile = join(folder, "client-tokens.json");
    await writeFile(
      tokensFile,
      JSON.stringify({
        tokens: [
          {
            name: "ci-agent",
            secretHash: hashClientTokenSecret(mintClientTokenSecret()),
            limits: { requestsPerMinute: 30 },
          },
        ],
      }),
    );
    server = await startBuiltServer({
      geminiBaseUrl: fake.url,
      keys: KEYS,
      folder,
      env: { ADMIN_TOKEN, ACCESS_TOKEN, CLIENT_TOKENS_FILE: tokensFile },
    });
    browser = await launchChromium({ locale: "en-US" });
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    page = browser.page;
    pageProblems = watchPageProblems(page);

    await page.goto(`${server.url}/console`);
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Key pool" }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test("a token of CLIENT_TOKENS_FILE is listed, read-only", async () => {
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.getByRole("heading", { name: "Client tokens" }).waitFor();
    const fileToken = row("ci-agent");
    await fileToken.getByText("CLIENT_TOKENS_FILE", { exact: true }).waitFor();
    await fileToken.getByText("Read-only: change it in CLIENT_TOKENS_FILE and restart.").waitFor();
    expect(await fileToken.getByRole("button").count()).toBe(0);
    expect(await fileToken.locator("td:nth-child(3)").innerText()).toBe("every model");
  }, 60_000);

  let secret = "";

  test("a new token's secret is shown once, copies to the clipboard, and is gone once dismissed", async () => {
    const form = page.getByRole("region", { name: "New token" });
    await form.getByLabel("Name").fill("team-a");
    await form.getByLabel("Allowed models").fill("gemini-2.5-flash*");
    await form.getByLabel("Requests per minute").fill("30");
    await form.getByLabel("Requests per day").fill("10");
    await form.getByLabel("Tokens per day").fill("100000");
    await form.getByRole("button", { name: "Create token" }).click();

    const shown = page.getByTestId("new-secret");
    await shown.getByText("Copy it now: you will not see it again.").waitFor();
    secret = await shown.getByLabel("Token secret").inputValue();
    expect(secret).toMatch(/^grt_[A-Za-z0-9_-]{43}$/);
    await shown.getByRole("button", { name: "Copy" }).click();
    await shown.getByText("Copied to the clipboard.").waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(secret);

    const created = row("team-a");
    await created.locator('.badge[data-state="active"]').waitFor();
    expect(await created.locator("td:nth-child(3)").innerText()).toBe("gemini-2.5-flash*");
    expect((await created.getByTestId("token-requests-today").innerText()).trim()).toBe("0 / 10 (0%)");
    await screenshot("12-tokens-new-secret");

    await shown.getByRole("button", { name: "I have copied it" }).click();
    await shown.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(secret);
    // Neither does the gateway show it again.
    const listed = await request(`${server.url}/admin/tokens`, { token: ADMIN_TOKEN });
    expect(listed.text).not.toContain(secret);
  }, 60_000);

  test("the token's requests show up on the page as they happen, against its daily limits", async () => {
    expect((await chat(secret)).status).toBe(200);
    expect((await chat(secret)).status).toBe(200);
    // Outside its patterns: refused, and counted as refused rather than as a request.
    expect((await chat(secret, "gemini-2.5-pro")).status).toBe(403);

    const requestsToday = row("team-a").getByTestId("token-requests-today");
    await requestsToday.getByText("2 / 10 (20%)").waitFor();
    await requestsToday.getByText("1 refused").waitFor();
    expect(
      await requestsToday
        .getByRole("progressbar", { name: "Requests today of team-a's daily limit" })
        .getAttribute("value"),
    ).toBe("2");
    const tokensToday = row("team-a").getByRole("progressbar", {
      name: "Tokens today of team-a's daily limit",
    });
    expect(Number(await tokensToday.getAttribute("value"))).toBeGreaterThan(0);
    await screenshot("13-tokens-usage");
  }, 60_000);

  test("a changed limit is checked by the gateway, shown at once, and holds for the client", async () => {
    await row("team-a").getByRole("button", { name: "Change" }).click();
    const edit = page.getByRole("form", { name: "Change team-a" });
    // The browser lets any whole number through; the gateway refuses one beyond reason, and says why.
    await edit.getByLabel("Requests per day").fill("2000000000000");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit
      .getByRole("alert")
      .getByText("'limits.requestsPerDay' must be at most 1000000000000")
      .waitFor();
    expect((await request(`${server.url}/admin/tokens/team-a`, { token: ADMIN_TOKEN })).json.limits).toEqual({
      requestsPerMinute: 30,
      requestsPerDay: 10,
      tokensPerDay: 100000,
    });

    await edit.getByLabel("Requests per day").fill("2");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.waitFor({ state: "detached" });
    await row("team-a").getByTestId("token-requests-today").getByText("2 / 2 (100%)").waitFor();
    const refused = await chat(secret);
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toContain("2 requests per day");
  }, 60_000);

  test("revoked in the console, the token gets 401; deleted, it leaves the list", async () => {
    const token = row("team-a");
    await token.getByRole("button", { name: "Revoke" }).click();
    await token.getByRole("button", { name: "Really revoke" }).click();
    await token.locator('.badge[data-state="revoked"]').waitFor();
    // Revoked is for good: only Delete is left.
    expect(await token.getByRole("button", { name: "Revoke" }).count()).toBe(0);
    expect(await token.getByRole("button", { name: "Change" }).count()).toBe(0);
    const answer = await chat(secret);
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toContain("was revoked");
    await screenshot("14-tokens-revoked");

    await token.getByRole("button", { name: "Delete" }).click();
    await token.getByRole("button", { name: "Really delete" }).click();
    await token.waitFor({ state: "detached" });
    expect((await request(`${server.url}/admin/tokens/team-a`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await chat(secret)).status).toBe(401);
    // ACCESS_TOKEN stays the operator's unlimited token.
    expect((await chat(ACCESS_TOKEN, "gemini-2.5-pro")).status).toBe(200);
  }, 60_000);

  test("an expiry is typed in the browser's time; a token past it shows as expired and gets 401", async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    const pad = (value: number) => String(value).padStart(2, "0");
    const typed = `${yesterday.getFullYear()}-${pad(yesterday.getMonth() + 1)}-${pad(yesterday.getDate())}T09:30`;
    const form = page.getByRole("region", { name: "New token" });
    await form.getByLabel("Name").fill("yesterday");
    await form.getByLabel("Expires").fill(typed);
    await form.getByRole("button", { name: "Create token" }).click();
    const expiredSecret = await page.getByTestId("new-secret").getByLabel("Token secret").inputValue();
    await page.getByRole("button", { name: "I have copied it" }).click();

    await row("yesterday").locator('.badge[data-state="expired"]').waitFor();
    const stored = (await request(`${server.url}/admin/tokens/yesterday`, { token: ADMIN_TOKEN })).json;
    expect(stored.expiresAt).toBe(await page.evaluate(`new Date(${JSON.stringify(typed)}).toISOString()`));
    const answer = await chat(expiredSecret);
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toContain("has expired");
  }, 60_000);

  test("a name the gateway refuses is said inline, in Chinese too", async () => {
    const form = page.getByRole("region", { name: "New token" });
    await form.getByLabel("Name").fill("ci-agent");
    await form.getByRole("button", { name: "Create token" }).click();
    await form.getByRole("alert").getByText('A client token named "ci-agent" exists already').waitFor();

    await page.getByLabel("Language").selectOption("zh");
    await page.getByRole("heading", { name: "客户端令牌" }).waitFor();
    await row("ci-agent").getByText("只读：请在 CLIENT_TOKENS_FILE 中修改并重启。").waitFor();
    await screenshot("15-tokens-zh");
    await page.getByLabel("语言").selectOption("en");
  }, 60_000);

  test("a token created, then revoked, through the admin API elsewhere shows on the open page without a reload or any request", async () => {
    await row("ci-agent").waitFor();
    // A mark on this very document: a reload would take it away.
    await page.evaluate("window.stillTheSamePage = true");
    const created = await request(`${server.url}/admin/tokens`, {
      token: ADMIN_TOKEN,
      body: { name: "from-curl", limits: { requestsPerDay: 5 } },
    });
    expect(created.status).toBe(201);
    const arrived = row("from-curl");
    await arrived.locator('.badge[data-state="active"]').waitFor();
    expect((await arrived.getByTestId("token-requests-today").innerText()).trim()).toBe("0 / 5 (0%)");

    const revoked = await request(`${server.url}/admin/tokens/from-curl/revoke`, {
      method: "POST",
      token: ADMIN_TOKEN,
    });
    expect(revoked.status).toBe(200);
    await arrived.locator('.badge[data-state="revoked"]').waitFor();
    expect(await page.evaluate("window.stillTheSamePage")).toBe(true);
    expect(await page.content()).not.toContain(created.json.secret);
    // No request of a client token (what made the page reload before) happened meanwhile.
    const log = await request(`${server.url}/admin/requests?limit=500`, { token: ADMIN_TOKEN });
    const tokenRequests = (log.json.rows as Array<{ time: string; clientToken: string | null }>).filter(
      (entry) => entry.clientToken !== null,
    );
    for (const entry of tokenRequests) {
      expect(Date.parse(entry.time)).toBeLessThan(Date.parse(created.json.token.createdAt));
    }
  }, 60_000);

  test("no script error and nothing refused by the Content-Security-Policy along the way", () => {
    expect(pageProblems).toEqual([]);
  });
});
