/**
 * Alerts from the built server to webhook receivers on loopback (issue 15): the payload of every
 * format as its service documents it, each condition once until it clears (a key disabled and
 * recovered; a model down to its last usable key; every key resting for a model; a client token at
 * 80 % and 100 % of a limit), a failing receiver retried, a hanging one never slowing a request, and
 * no webhook secret in any log line or answer.
 */
import { createHmac } from "node:crypto";
import { geminiErrors } from "../fake-gemini/index.js";
import { E2E_KEYS, type E2eEnvironment, startEnvironment } from "../support/e2e-environment.js";
import { request } from "../support/http.js";
import { eventually } from "../support/poll.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const ADMIN = { token: null } as const;
const MODEL = "gemini-2.5-flash";
const chat = { model: MODEL, messages: [{ role: "user", content: "Say hi" }] };
const TELEGRAM_BOT = "bot123456:telegram-secret-abcdefghij";
const DINGTALK_TOKEN = "dingtalk-secret-0123456789";
const WECOM_KEY = "wecom-secret-0123456789";
/** The signing secrets of a DingTalk and a Feishu robot set to "signature" (加签). */
const DINGTALK_SIGNING = "SECdingtalk-signing-0123456789";
const FEISHU_SIGNING = "feishu-signing-0123456789";
/** The longest time one send may take: a request held up by a webhook would take at least this. */
const SEND_TIMEOUT_MS = 10_000;

describe("alerts to webhooks", () => {
  let receiver: WebhookReceiver;
  let environment: E2eEnvironment;

  /** Events the generic JSON target received, by kind. */
  const events = (kind: string, path = "/json") =>
    receiver.postsTo(path).filter((post) => post.body?.event === kind);

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.behave("/flaky", { kind: "fail", times: 2, status: 503 });
    receiver.behave("/hang", { kind: "hang" });
    receiver.behave("/feishu", { kind: "ok", body: { code: 0, msg: "success", data: {} } });
    receiver.behave("/dingtalk", { kind: "ok", body: { errcode: 0, errmsg: "ok" } });
    receiver.behave("/wecom", { kind: "ok", body: { errcode: 0, errmsg: "ok" } });
    receiver.behave("/feishu-signed", { kind: "ok", body: { code: 0, msg: "success", data: {} } });
    receiver.behave("/dingtalk-signed", { kind: "ok", body: { errcode: 0, errmsg: "ok" } });
    const at = receiver.url;
    environment = await startEnvironment({
      env: {
        ALERT_MIN_AVAILABLE_KEYS: "1",
        ALERT_WEBHOOK_URL: [
          `json+${at}/json`,
          `slack+${at}/slack`,
          `discord+${at}/discord`,
          `telegram+${at}/${TELEGRAM_BOT}/sendMessage?chat_id=-100200300`,
          `feishu+${at}/feishu`,
          `dingtalk+${at}/dingtalk?access_token=${DINGTALK_TOKEN}`,
          `wecom+${at}/wecom?key=${WECOM_KEY}`,
          `feishu+${at}/feishu-signed?secret=${FEISHU_SIGNING}`,
          `dingtalk+${at}/dingtalk-signed?access_token=${DINGTALK_TOKEN}&secret=${DINGTALK_SIGNING}`,
          `json+${at}/flaky`,
          `json+${at}/hang`,
        ].join(","),
      },
    });
  });
  afterAll(async () => {
    await environment?.stop();
    await receiver?.close();
  });
  afterEach(async () => {
    for (const key of E2E_KEYS) environment.fake.setKeyBehavior(key, null);
  });

  test("POST /admin/alerts/test posts each format's documented payload to every target", async () => {
    const answer = await request(`${environment.url}/admin/alerts/test`, { ...ADMIN, method: "POST" });
    expect(answer.status).toBe(200);
    const byTarget = answer.json.targets as Array<{ target: string; format: string; ok: boolean }>;
    expect(byTarget.filter((target) => target.ok).map((target) => target.format)).toEqual([
      "json",
      "slack",
      "discord",
      "telegram",
      "feishu",
      "dingtalk",
      "wecom",
      "feishu",
      "dingtalk",
    ]);
    // Tried once: the flaky receiver's failure and the hanging one's silence are reported, not retried.
    expect(byTarget.slice(9)).toEqual([
      {
        target: expect.stringContaining("json 127.0.0.1"),
        format: "json",
        ok: false,
        status: 503,
        error: expect.any(String),
      },
      {
        target: expect.stringContaining("json 127.0.0.1"),
        format: "json",
        ok: false,
        status: null,
        error: "no answer in time",
      },
    ]);
    const text = "[gemini-rotator] Test alert\nAlerts reach this place.";
    expect(receiver.postsTo("/json")[0]?.body).toEqual({
      source: "gemini-rotator",
      event: "test",
      severity: "info",
      title: "[gemini-rotator] Test alert",
      text: "Alerts reach this place.",
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      details: {},
    });
    // Slack incoming webhook: {"text"}.
    expect(receiver.postsTo("/slack")[0]?.body).toEqual({ text });
    // Discord execute webhook: {"content"}, with mentions off.
    expect(receiver.postsTo("/discord")[0]?.body).toEqual({ content: text, allowed_mentions: { parse: [] } });
    // Telegram sendMessage: the chat in the body, the bot token only in the path it came in.
    const telegram = receiver.postsTo(`/${TELEGRAM_BOT}/sendMessage`)[0];
    expect(telegram?.body).toEqual({ chat_id: "-100200300", text });
    expect(telegram?.query.has("chat_id")).toBe(false);
    // Feishu/Lark custom bot: {"msg_type":"text","content":{"text"}}.
    expect(receiver.postsTo("/feishu")[0]?.body).toEqual({ msg_type: "text", content: { text } });
    // DingTalk custom robot and WeCom group robot: {"msgtype":"text","text":{"content"}}, key in the query.
    const dingtalk = receiver.postsTo("/dingtalk")[0];
    expect(dingtalk?.body).toEqual({ msgtype: "text", text: { content: text } });
    expect(dingtalk?.query.get("access_token")).toBe(DINGTALK_TOKEN);
    const wecom = receiver.postsTo("/wecom")[0];
    expect(wecom?.body).toEqual({ msgtype: "text", text: { content: text } });
    expect(wecom?.query.get("key")).toBe(WECOM_KEY);
    // Robots set to "signature": Feishu's timestamp (s) and sign in the body, DingTalk's timestamp (ms) and
    // sign in the query, each checked here as the service checks it; the secret itself is never sent.
    const feishuSigned = receiver.postsTo("/feishu-signed")[0];
    const { timestamp: feishuTime, sign: feishuSign, ...feishuMessage } = feishuSigned?.body ?? {};
    expect(feishuMessage).toEqual({ msg_type: "text", content: { text } });
    expect(Math.abs(Number(feishuTime) - Date.now() / 1000)).toBeLessThan(3600);
    expect(feishuSign).toBe(createHmac("sha256", `${feishuTime}\n${FEISHU_SIGNING}`).digest("base64"));
    const dingtalkSigned = receiver.postsTo("/dingtalk-signed")[0];
    const dingtalkTime = dingtalkSigned?.query.get("timestamp");
    expect(Math.abs(Number(dingtalkTime) - Date.now())).toBeLessThan(3_600_000);
    expect(dingtalkSigned?.query.get("sign")).toBe(
      createHmac("sha256", DINGTALK_SIGNING).update(`${dingtalkTime}\n${DINGTALK_SIGNING}`).digest("base64"),
    );
    expect(dingtalkSigned?.query.has("secret")).toBe(false);
    expect(dingtalkSigned?.body).toEqual({ msgtype: "text", text: { content: text } });

    // The targets are named by format and host only.
    const listed = await request(`${environment.url}/admin/alerts`, ADMIN);
    for (const secret of [TELEGRAM_BOT, DINGTALK_TOKEN, WECOM_KEY, DINGTALK_SIGNING, FEISHU_SIGNING]) {
      expect(listed.text).not.toContain(secret);
      expect(answer.text).not.toContain(secret);
    }
  });

  test("a key disabled alerts once, its recovery once, and a new disablement again; a failing receiver gets them by retrying", async () => {
    const [alpha] = E2E_KEYS;
    if (!alpha) throw new Error("no key");
    environment.fake.setKeyBehavior(alpha, geminiErrors.invalidKey());
    for (let index = 0; index < 4; index++) {
      expect((await request(`${environment.url}/v1/chat/completions`, { body: chat })).status).toBe(200);
    }
    await eventually(() => expect(events("key_disabled")).toHaveLength(1));
    const keyId = events("key_disabled")[0]?.body.details.keyId as string;
    expect(events("key_disabled")[0]?.body).toMatchObject({
      severity: "warning",
      title: `[gemini-rotator] Key ${keyId} disabled`,
    });
    // More requests while it stays disabled: no second alert.
    for (let index = 0; index < 3; index++) {
      expect((await request(`${environment.url}/v1/chat/completions`, { body: chat })).status).toBe(200);
    }

    environment.fake.setKeyBehavior(alpha, null);
    expect(
      (await request(`${environment.url}/admin/keys/${keyId}/enable`, { ...ADMIN, method: "POST" })).status,
    ).toBe(200);
    await eventually(() => expect(events("key_recovered")).toHaveLength(1));
    expect(events("key_disabled")).toHaveLength(1);

    environment.fake.setKeyBehavior(alpha, geminiErrors.leakedKey());
    for (let index = 0; index < 4; index++) {
      expect((await request(`${environment.url}/v1/chat/completions`, { body: chat })).status).toBe(200);
    }
    await eventually(() => expect(events("key_disabled")).toHaveLength(2));
    expect(events("key_recovered")).toHaveLength(1);

    // The receiver that failed its first two posts got every one of these in the end (retried with backoff).
    const delivered = (path: string) =>
      new Set(
        receiver
          .postsTo(path)
          .filter((post) => post.body?.event !== "test")
          .map((post) => `${post.body?.event} ${post.body?.time}`),
      );
    await eventually(() => expect(delivered("/flaky")).toEqual(delivered("/json")), { timeoutMs: 30_000 });
    const alertPosts = receiver.postsTo("/flaky").filter((post) => post.body?.event !== "test");
    expect(alertPosts.length).toBeGreaterThan(delivered("/flaky").size);
    environment.fake.setKeyBehavior(alpha, null);
    await request(`${environment.url}/admin/reset-keys`, { ...ADMIN, method: "POST" });
    await eventually(() => expect(events("key_recovered")).toHaveLength(2));
  }, 90_000);

  test("a model down to its last usable key, then to none, then back: one alert for each change", async () => {
    const [alpha, bravo, charlie] = E2E_KEYS;
    if (!alpha || !bravo || !charlie) throw new Error("no keys");
    const send = () => request(`${environment.url}/v1/chat/completions`, { body: chat });
    for (const key of [alpha, bravo])
      environment.fake.setKeyBehavior(key, geminiErrors.quotaPerDay({ model: MODEL }));
    for (let index = 0; index < 3; index++) expect((await send()).status).toBe(200);
    await eventually(() => expect(events("keys_low")).toHaveLength(1));
    expect(events("keys_low")[0]?.body).toMatchObject({
      title: `[gemini-rotator] Only 1 of 3 keys usable for ${MODEL}`,
      details: { model: MODEL, usable: 1, total: 3, threshold: 1 },
    });

    environment.fake.setKeyBehavior(charlie, geminiErrors.quotaPerDay({ model: MODEL }));
    expect((await send()).status).toBe(429);
    await eventually(() => expect(events("model_exhausted")).toHaveLength(1));
    const exhausted = events("model_exhausted")[0]?.body;
    expect(exhausted.severity).toBe("critical");
    expect(Date.parse(exhausted.details.resetAt)).toBeGreaterThan(Date.now());
    expect(exhausted.text).toContain(exhausted.details.resetAt);
    expect((await send()).status).toBe(429);

    for (const key of E2E_KEYS) environment.fake.setKeyBehavior(key, null);
    await request(`${environment.url}/admin/reset-keys`, { ...ADMIN, method: "POST" });
    await eventually(() => {
      expect(events("model_available")).toHaveLength(1);
      expect(events("keys_recovered")).toHaveLength(1);
    });
    expect(events("keys_recovered")[0]?.body.details).toMatchObject({ model: MODEL, usable: 3 });
    expect(events("keys_low")).toHaveLength(1);
    expect(events("model_exhausted")).toHaveLength(1);
  });

  test("a client token at 80 % and 100 % of its daily requests: one alert each; a hanging receiver slows no request", async () => {
    const created = await request(`${environment.url}/admin/tokens`, {
      ...ADMIN,
      body: { name: "carol", limits: { requestsPerDay: 5 } },
    });
    const secret = created.json.secret as string;
    const durations: number[] = [];
    const statuses: number[] = [];
    for (let index = 0; index < 7; index++) {
      const startedAt = performance.now();
      statuses.push(
        (await request(`${environment.url}/v1/chat/completions`, { body: chat, token: secret })).status,
      );
      durations.push(performance.now() - startedAt);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    await eventually(() => {
      const reached = events("token_limit").map((post) => post.body.details);
      expect(reached).toEqual([
        { token: "carol", limit: "requestsPerDay", percent: 80, used: 4, limitValue: 5 },
        { token: "carol", limit: "requestsPerDay", percent: 100, used: 5, limitValue: 5 },
      ]);
    });
    // The hanging receiver holds a send open all this while; no request waited for it.
    expect(receiver.hanging()).toBeGreaterThanOrEqual(1);
    for (const duration of durations) expect(duration).toBeLessThan(SEND_TIMEOUT_MS);
    expect(receiver.postsTo("/hang").length).toBeGreaterThanOrEqual(1);
  });

  test("no webhook secret and no client-token secret in any log line", () => {
    const logs = environment.server.logs.join("\n");
    expect(logs).toContain('"msg":"alert"');
    for (const secret of [TELEGRAM_BOT, DINGTALK_TOKEN, WECOM_KEY, DINGTALK_SIGNING, FEISHU_SIGNING]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/grt_[A-Za-z0-9_-]{43}/);
  });
});
