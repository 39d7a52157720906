/**
 * The console's admin API on the real gateway (in-process) in front of the fake Gemini: key checks
 * with their verdicts and what they do to the pool, a pasted import with labels, bulk actions, the
 * request log and usage history fed by real requests, the live feed, and the console's login.
 */
import { hashClientTokenSecret } from "../../src/clients/client-token-secret.js";
import { geminiErrors } from "../fake-gemini/index.js";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson, request } from "../support/http.js";
import { eventually } from "../support/poll.js";
import { followSse, postSse } from "../support/sse.js";

const ALPHA = "fake-key-alpha-0001";
const BRAVO = "fake-key-bravo-0002";
const CHARLIE = "fake-key-charlie-0003";
const DELTA = "fake-key-delta-0004";

const chat = (model = "gemini-2.5-flash") => ({ model, messages: [{ role: "user", content: "Say hi" }] });

interface KeyView {
  id: string;
  key: string;
  state: string;
  label: string | null;
  cooldowns: Array<{ model: string }>;
  today: { requests: number; failures: number };
}

async function listKeys(
  harness: Harness,
  query = "",
): Promise<{ total: number; keys: KeyView[]; labels: string[] }> {
  const answer = await request(`${harness.url}/admin/keys${query}`);
  expect(answer.status).toBe(200);
  return answer.json as { total: number; keys: KeyView[]; labels: string[] };
}

describe("key checks", () => {
  let harness: Harness;
  afterEach(async () => harness.stop());

  test("without a model: the free model list tells valid, invalid and suspended keys apart, and the pool learns it", async () => {
    // BRAVO is unknown to the fake (invalid); CHARLIE's project is suspended.
    harness = await startHarness({ keys: [ALPHA, BRAVO, CHARLIE], validKeys: [ALPHA, CHARLIE] });
    harness.fake.setKeyBehavior(CHARLIE, geminiErrors.consumerSuspended());
    const answer = await postSse(`${harness.url}/admin/keys/check`, {});
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const progress = answer.events.filter((event) => event.event === "progress");
    expect(progress.map((event) => (event.json as { done: number }).done)).toEqual([1, 2, 3]);
    const verdicts = Object.fromEntries(
      progress.map((event) => {
        const { result } = event.json as { result: { key: string; verdict: string; model: null } };
        return [result.key, result.verdict];
      }),
    );
    expect(verdicts).toEqual({ "…01": "valid", "…02": "invalid", "fake-k…0003": "suspended" });
    const done = answer.events.find((event) => event.event === "done")?.json;
    expect(done).toMatchObject({ total: 3, counts: { valid: 1, invalid: 1, suspended: 1, error: 0 } });
    expect(answer.text).not.toContain(ALPHA);
    // Only the free call went out, with each key once.
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({});
    expect(Object.values(harness.fake.counts()).reduce((sum, count) => sum + count, 0)).toBe(3);

    const { keys } = await listKeys(harness);
    expect(Object.fromEntries(keys.map((key) => [key.key, key.state]))).toEqual({
      "…01": "active",
      "…02": "disabled",
      "fake-k…0003": "disabled",
    });

    // CHARLIE's project is reinstated: the next check finds the key valid, and it serves again.
    harness.fake.setKeyBehavior(CHARLIE, null);
    const charlie = keys.find((key) => key.key === "fake-k…0003");
    const again = await postSse(`${harness.url}/admin/keys/check`, { ids: [charlie?.id] });
    const checked = again.events.find((event) => event.event === "progress");
    expect(checked?.json).toMatchObject({ result: { key: "fake-k…0003", verdict: "valid" } });
    const after = await listKeys(harness);
    expect(after.keys.find((key) => key.key === "fake-k…0003")?.state).toBe("active");
    // A key an operator disabled stays disabled whatever a check finds.
    expect((await postJson(`${harness.url}/admin/keys/${charlie?.id}/disable`, {})).status).toBe(200);
    await postSse(`${harness.url}/admin/keys/check`, { ids: [charlie?.id] });
    expect((await listKeys(harness)).keys.find((key) => key.key === "fake-k…0003")?.state).toBe("disabled");
  });

  test("with a model: one minimal generation per key tells spent quota and a model not offered (limit 0); JSON on request", async () => {
    harness = await startHarness({ keys: [ALPHA, BRAVO, CHARLIE] });
    harness.fake.setKeyBehavior(BRAVO, geminiErrors.quotaPerDay({ model: "gemini-2.5-pro" }));
    harness.fake.setKeyBehavior(CHARLIE, geminiErrors.limitZero({ model: "gemini-2.5-pro" }));
    const answer = await postJson(
      `${harness.url}/admin/keys/check`,
      { model: "gemini-2.5-pro" },
      { accept: "application/json" },
    );
    expect(answer.status).toBe(200);
    const body = answer.json as {
      results: Array<{ key: string; verdict: string; model: string; detail: string }>;
      counts: Record<string, number>;
    };
    expect(Object.fromEntries(body.results.map((result) => [result.key, result.verdict]))).toEqual({
      "…01": "valid",
      "…02": "quota_exhausted",
      "fake-k…0003": "model_unavailable",
    });
    expect(body.results.every((result) => result.model === "gemini-2.5-pro")).toBe(true);
    expect(body.counts).toMatchObject({ valid: 1, quota_exhausted: 1, model_unavailable: 1 });
    expect(harness.fake.counts({ action: "generateContent", model: "gemini-2.5-pro" })).toEqual({
      [ALPHA]: 1,
      [BRAVO]: 1,
      [CHARLIE]: 1,
    });
    // The pool rests both keys for gemini-2.5-pro, as a real request's 429 would.
    const { keys } = await listKeys(harness, "?model=gemini-2.5-pro");
    expect(keys.map((key) => key.key).sort()).toEqual(["fake-k…0003", "…02"]);
    // The usage history counted the probes: one request, two quota failures.
    const history = await request(`${harness.url}/admin/history?by=key`);
    const buckets = (history.json as { buckets: Array<{ requests: number; failures: { quota: number } }> })
      .buckets;
    expect(buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(1);
    expect(buckets.reduce((sum, bucket) => sum + bucket.failures.quota, 0)).toBe(2);
  });

  test("bad check requests are 400s and 404s in OpenAI's envelope", async () => {
    harness = await startHarness({ keys: [ALPHA] });
    const badModel = await postJson(`${harness.url}/admin/keys/check`, { model: "no such model!" });
    expect(badModel.status).toBe(400);
    expect(badModel.json).toMatchObject({ error: { type: "invalid_request_error", param: "model" } });
    const unknown = await postJson(`${harness.url}/admin/keys/check`, { ids: ["key-0000000000"] });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: "key_not_found" } });
  });
});

describe("import, labels and bulk actions", () => {
  let harness: Harness;
  afterEach(async () => harness.stop());

  test("a pasted list adds new keys with labels, reports present and malformed lines, and labels drive bulk actions", async () => {
    harness = await startHarness({ keys: [ALPHA], validKeys: [ALPHA, BRAVO, CHARLIE, DELTA] });
    const text = [
      "# pasted from a spreadsheet",
      `${BRAVO} label=team-a`,
      `${CHARLIE}   label=team-a proxy=http://127.0.0.1:1`,
      ALPHA,
      `${DELTA} colour=blue`,
      `${BRAVO} label=team-b`,
      "",
    ].join("\n");
    const imported = await postJson(`${harness.url}/admin/keys/import`, { text });
    expect(imported.status).toBe(200);
    expect(imported.json).toEqual({
      added: [
        { id: expect.stringMatching(/^key-/), key: "…02", label: "team-a" },
        { id: expect.stringMatching(/^key-/), key: "fake-k…0003", label: "team-a" },
      ],
      present: [{ id: expect.stringMatching(/^key-/), key: "…01", label: null }],
      malformed: [{ line: 5, reason: expect.stringContaining('unknown option "colour"') }],
    });
    expect(imported.text).not.toContain(BRAVO);

    const labelled = await listKeys(harness, "?label=team-a");
    expect(labelled.total).toBe(2);
    expect(labelled.labels).toEqual(["team-a"]);

    const alphaId = (await listKeys(harness, "?q=…01")).keys[0]?.id ?? "";
    const patched = await request(`${harness.url}/admin/keys/${alphaId}`, {
      method: "PATCH",
      body: { label: "team-b" },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id: alphaId, label: "team-b", state: "active" });
    const badLabel = await request(`${harness.url}/admin/keys/${alphaId}`, {
      method: "PATCH",
      body: { label: "two words" },
    });
    expect(badLabel.status).toBe(400);

    const disabled = await postJson(`${harness.url}/admin/keys/bulk`, { action: "disable", label: "team-a" });
    expect(disabled.json).toEqual({ affected: 2 });
    expect((await listKeys(harness, "?state=disabled")).keys.map((key) => key.label)).toEqual([
      "team-a",
      "team-a",
    ]);
    // Only the team-b key serves now.
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat())).status).toBe(200);
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({ [ALPHA]: 1 });

    expect(
      (await postJson(`${harness.url}/admin/keys/bulk`, { action: "remove", label: "team-a" })).json,
    ).toEqual({
      affected: 2,
    });
    expect((await listKeys(harness)).total).toBe(1);
    const nothingNamed = await postJson(`${harness.url}/admin/keys/bulk`, { action: "remove" });
    expect(nothingNamed.status).toBe(400);
  });

  test("labels written in the keys file are read, and a label set in the console survives a restart", async () => {
    harness = await startHarness({ keys: [`${ALPHA} label=file-label`, BRAVO] });
    const before = await listKeys(harness);
    const labelOf = (keys: KeyView[], masked: string) => keys.find((key) => key.key === masked)?.label;
    expect([labelOf(before.keys, "…01"), labelOf(before.keys, "…02")]).toEqual(["file-label", null]);
    const bravoId = before.keys.find((key) => key.key === "…02")?.id ?? "";
    await request(`${harness.url}/admin/keys/${bravoId}`, { method: "PATCH", body: { label: "console" } });
    await harness.stop({ keepFake: true, keepFolder: true });
    const second = await startHarness({ keys: [ALPHA], existingFake: harness.fake, folder: harness.folder });
    try {
      const after = (await listKeys(second)).keys;
      expect([labelOf(after, "…01"), labelOf(after, "…02")]).toEqual(["file-label", "console"]);
    } finally {
      await second.stop();
      await harness.fake.close();
    }
    harness = { stop: async () => {} } as unknown as Harness;
  });
});

describe("request log and usage history", () => {
  let harness: Harness;
  afterEach(async () => harness.stop());

  test("each API request is a log row (never its prompt), each attempt counts for its key; filters and paging", async () => {
    harness = await startHarness({ keys: [ALPHA, BRAVO] });
    harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 30 }), {
      key: ALPHA,
    });
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat())).status).toBe(200);
    expect((await postJson(`${harness.url}/v1/chat/completions`, { model: "gemini-2.5-flash" })).status).toBe(
      400,
    );

    const log = await request(`${harness.url}/admin/requests`);
    expect(log.status).toBe(200);
    const rows = (log.json as { rows: Array<Record<string, unknown>> }).rows;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ route: "/v1/chat/completions", protocol: "openai-chat", status: 400 });
    expect(rows[0]?.error).toEqual(expect.stringContaining("messages"));
    expect(rows[1]).toMatchObject({
      route: "/v1/chat/completions",
      protocol: "openai-chat",
      model: "gemini-2.5-flash",
      status: 200,
      attempts: 2,
      error: null,
      tokens: {
        prompt: expect.any(Number),
        completion: expect.any(Number),
        reasoning: expect.any(Number),
        cached: 0,
      },
    });
    expect(typeof rows[1]?.firstByteMs).toBe("number");
    expect(log.text).not.toContain("Say hi");

    const failed = await request(`${harness.url}/admin/requests?status=4xx,5xx&limit=1`);
    expect((failed.json as { rows: unknown[] }).rows).toHaveLength(1);
    const page = await request(`${harness.url}/admin/requests?limit=1`);
    const cursor = (page.json as { nextCursor: string }).nextCursor;
    const next = await request(`${harness.url}/admin/requests?limit=1&cursor=${cursor}`);
    expect((next.json as { rows: Array<{ status: number }>; nextCursor: null }).rows[0]?.status).toBe(200);
    expect((next.json as { nextCursor: null }).nextCursor).toBeNull();

    const history = await request(`${harness.url}/admin/history?by=key&groupBy=day`);
    const buckets = (
      history.json as {
        buckets: Array<{ keyId: string; requests: number; failures: Record<string, number> }>;
      }
    ).buckets;
    const keys = await listKeys(harness);
    const alpha = keys.keys.find((key) => key.key === "…01");
    const bravo = keys.keys.find((key) => key.key === "…02");
    expect(buckets.find((bucket) => bucket.keyId === alpha?.id)?.failures.rate_limited).toBe(1);
    expect(buckets.find((bucket) => bucket.keyId === bravo?.id)?.requests).toBe(1);
    expect(bravo?.today).toMatchObject({ requests: 1, failures: 0 });
    expect(alpha?.today).toMatchObject({ requests: 0, failures: 1 });

    for (const bad of [
      "/admin/requests?status=abc",
      "/admin/requests?limit=0",
      "/admin/history?from=yesterday",
    ]) {
      expect({ bad, status: (await request(`${harness.url}${bad}`)).status }).toEqual({ bad, status: 400 });
    }
  });

  test("the live feed pushes a pool event when a key starts resting, and a request event per request", async () => {
    harness = await startHarness({ keys: [ALPHA, BRAVO] });
    const feed = await followSse(`${harness.url}/admin/events`);
    expect(feed.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = () => feed.events.map((event) => ({ event: event.event ?? "", data: event.json }));
    try {
      await eventually(() =>
        expect(events()[0]).toMatchObject({ event: "pool", data: { counts: { active: 2 } } }),
      );
      harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 30 }), {
        key: ALPHA,
      });
      expect((await postJson(`${harness.url}/v1/chat/completions`, chat())).status).toBe(200);
      await eventually(() => {
        const cooling = events().find(
          (event) =>
            event.event === "pool" &&
            (event.data as { keys?: KeyView[] }).keys?.some(
              (key) => key.key === "…01" && key.state === "cooling",
            ),
        );
        expect(cooling).toBeDefined();
        expect(events().some((event) => event.event === "request")).toBe(true);
      });
      const requestEvent = events().find((event) => event.event === "request")?.data;
      expect(requestEvent).toMatchObject({ route: "/v1/chat/completions", status: 200, attempts: 2 });
    } finally {
      await feed.stop();
    }
  });

  test("the live feed pushes a tokens event when a token is created, revoked or deleted through the admin API, never its secret", async () => {
    harness = await startHarness({ keys: [ALPHA] });
    const feed = await followSse(`${harness.url}/admin/events`);
    const tokenEvents = () =>
      feed.events.filter((event) => event.event === "tokens").map((event) => event.json);
    try {
      await eventually(() => expect(feed.events[0]?.event).toBe("pool"));
      expect(tokenEvents()).toEqual([]);

      const created = await request(`${harness.url}/admin/tokens`, { body: { name: "team-a" } });
      expect(created.status).toBe(201);
      const secret = created.json.secret as string;
      await eventually(() => expect(tokenEvents()).toEqual([{ name: "team-a" }]));

      expect((await request(`${harness.url}/admin/tokens/team-a/revoke`, { method: "POST" })).status).toBe(
        200,
      );
      await eventually(() => expect(tokenEvents()).toEqual([{ name: "team-a" }, { name: "team-a" }]));
      expect((await request(`${harness.url}/admin/tokens/team-a`, { method: "DELETE" })).status).toBe(204);
      await eventually(() => expect(tokenEvents()).toHaveLength(3));

      // A burst of changes is gathered into an event or two saying "several", not one per token.
      const burst = await Promise.all(
        ["b1", "b2", "b3", "b4", "b5"].map((name) =>
          request(`${harness.url}/admin/tokens`, { body: { name } }),
        ),
      );
      expect(burst.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
      await eventually(() => expect(tokenEvents().slice(3)).toContainEqual({}));
      expect(tokenEvents().length - 3).toBeLessThanOrEqual(2);

      // Nothing of a secret reaches the feed: neither the secret nor its hash.
      for (const shown of [secret, ...burst.map((answer) => answer.json.secret as string)]) {
        expect(feed.text).not.toContain(shown);
        expect(feed.text).not.toContain(hashClientTokenSecret(shown));
      }
    } finally {
      await feed.stop();
    }
  });
});

describe("console login", () => {
  let harness: Harness;
  afterEach(async () => harness.stop());

  test("with ADMIN_TOKEN: a login opens a session cookie; state changes need its CSRF token; logout ends it", async () => {
    harness = await startHarness({ keys: [ALPHA], env: { ADMIN_TOKEN: "admin-secret" } });
    const anonymous = await request(`${harness.url}/console/api/session`, { token: null });
    expect(anonymous.json).toEqual({ authenticated: false, tokenRequired: true });
    expect((await request(`${harness.url}/admin/keys`, { token: null })).status).toBe(401);

    const wrong = await postJson(`${harness.url}/console/api/login`, { token: "guess" }, {}, { token: null });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    // The next attempt from the same address waits before it is checked.
    const startedAt = Date.now();
    const login = await postJson(
      `${harness.url}/console/api/login`,
      { token: "admin-secret" },
      {},
      { token: null },
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
    expect(login.status).toBe(204);
    const setCookie = login.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^gr_console=[\w-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = setCookie.split(";")[0] ?? "";

    const session = await request(`${harness.url}/console/api/session`, { token: null, headers: { cookie } });
    expect(session.headers.get("cache-control")).toBe("no-store");
    const { csrf } = session.json as { csrf: string };
    expect(session.json).toEqual({ authenticated: true, tokenRequired: true, csrf: expect.any(String) });

    expect((await request(`${harness.url}/admin/keys`, { token: null, headers: { cookie } })).status).toBe(
      200,
    );
    const alphaId = (
      (await request(`${harness.url}/admin/keys`, { token: null, headers: { cookie } })).json as {
        keys: KeyView[];
      }
    ).keys[0]?.id;
    const withoutCsrf = await postJson(
      `${harness.url}/admin/keys/bulk`,
      { action: "disable", ids: [alphaId] },
      { cookie },
      { token: null },
    );
    expect(withoutCsrf.status).toBe(403);
    expect(withoutCsrf.json).toMatchObject({ error: { code: "csrf_token_invalid" } });
    const withCsrf = await postJson(
      `${harness.url}/admin/keys/bulk`,
      { action: "disable", ids: [alphaId] },
      { cookie, "x-console-csrf": csrf },
      { token: null },
    );
    expect(withCsrf.json).toEqual({ affected: 1 });

    const logout = await postJson(`${harness.url}/console/api/logout`, {}, { cookie }, { token: null });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/gr_console=;/);
    expect((await request(`${harness.url}/admin/keys`, { token: null, headers: { cookie } })).status).toBe(
      401,
    );
  });

  test("without ADMIN_TOKEN there is no login; the session route says whether this machine may use the console", async () => {
    harness = await startHarness({ keys: [ALPHA] });
    const session = await request(`${harness.url}/console/api/session`, { token: null });
    expect(session.json).toEqual({ authenticated: true, tokenRequired: false });
    const proxied = await request(`${harness.url}/console/api/session`, {
      token: null,
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(proxied.json).toEqual({ authenticated: false, tokenRequired: false });
    const login = await postJson(
      `${harness.url}/console/api/login`,
      { token: "anything" },
      {},
      { token: null },
    );
    expect(login.status).toBe(400);
    expect(login.json).toMatchObject({ error: { code: "login_not_needed" } });
  });
});
