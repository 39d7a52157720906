import { geminiErrors } from "../fake-gemini/errors.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const [ALPHA, BRAVO, CHARLIE] = TEST_KEYS;
const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };

async function status(harness: Harness) {
  const response = await fetch(`${harness.url}/status`);
  return (await response.json()) as {
    totalKeys: number;
    availableKeys: number;
    keys: Array<{
      id: string;
      key: string;
      isAvailable: boolean;
      state: string;
      failureCount: number;
      cooldowns: unknown[];
    }>;
  };
}

describe("rotation over a pool of keys", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ validKeys: [...TEST_KEYS, "fake-key-delta-0004"] });
  });
  afterEach(async () => {
    await harness.stop();
  });

  test("with three keys, nine requests use each key three times", async () => {
    for (let index = 0; index < 9; index++) {
      const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
      expect(response.status).toBe(200);
    }
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({
      [ALPHA]: 3,
      [BRAVO]: 3,
      [CHARLIE]: 3,
    });
  });

  test("30 parallel requests on three healthy keys land 10/10/10", async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => postJson(`${harness.url}/v1/chat/completions`, CHAT)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(30).fill(200));
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({
      [ALPHA]: 10,
      [BRAVO]: 10,
      [CHARLIE]: 10,
    });
  });

  test("a key that answers 429 is skipped within the same request and the client gets 200", async () => {
    harness.fake.setKeyBehavior(
      ALPHA,
      geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "30s" }),
    );
    const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect(response.status).toBe(200);
    expect(response.json.choices[0].message.content).toBe("Echo: Say hi");
    expect(harness.fake.requests.map((request) => request.key)).toEqual([ALPHA, BRAVO]);
    const alpha = (await status(harness)).keys[0];
    expect(alpha).toMatchObject({ state: "cooling", isAvailable: true, failureCount: 0 });
  });

  test("an invalid key is disabled at once and shows isAvailable: false", async () => {
    harness.fake.setKeyBehavior(ALPHA, geminiErrors.invalidKey());
    for (let index = 0; index < 6; index++) {
      expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
    }
    expect(harness.fake.counts({ action: "generateContent" })[ALPHA]).toBeLessThanOrEqual(3);
    const alpha = (await status(harness)).keys[0];
    expect(alpha).toMatchObject({ isAvailable: false, state: "disabled" });
  });

  test("three consecutive 5xx disable a key and reset-keys restores it", async () => {
    harness.fake.setKeyBehavior(ALPHA, geminiErrors.internal());
    for (let index = 0; index < 9; index++) {
      expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
    }
    expect(harness.fake.counts({ action: "generateContent" })[ALPHA]).toBe(3);
    expect((await status(harness)).keys[0]).toMatchObject({
      state: "disabled",
      isAvailable: false,
      failureCount: 3,
    });

    harness.fake.setKeyBehavior(ALPHA, null);
    const reset = await postJson(`${harness.url}/admin/reset-keys`, {});
    expect(reset.status).toBe(200);
    expect((await status(harness)).keys.map((key) => key.state)).toEqual(["active", "active", "active"]);
    expect((await status(harness)).availableKeys).toBe(3);
  });

  test("editing keys.txt and calling reload-keys takes effect without a restart", async () => {
    await harness.writeKeys([ALPHA, "# bravo retired", "fake-key-delta-0004"]);
    const reload = await postJson(`${harness.url}/admin/reload-keys`, {});
    expect(reload.status).toBe(200);
    expect(reload.json).toEqual({ totalKeys: 2, added: 1, removed: 2 });
    for (let index = 0; index < 4; index++) await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({
      [ALPHA]: 2,
      "fake-key-delta-0004": 2,
    });
  });

  test("when every key rests, the client gets 429 in OpenAI's shape with Retry-After", async () => {
    for (const key of TEST_KEYS) {
      harness.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "20s" }),
      );
    }
    const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect(response.status).toBe(429);
    expect(response.json).toEqual({
      error: {
        message: expect.stringMatching(/rate limited/),
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        param: null,
      },
    });
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(19);
    expect(retryAfter).toBeLessThanOrEqual(21);
    // A second request is answered locally without calling upstream.
    const before = harness.fake.requests.length;
    expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(429);
    expect(harness.fake.requests.length).toBe(before);
  });

  test("every key failing with server errors gives a 5xx, never a 200", async () => {
    for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, geminiErrors.internal());
    const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect(response.status).toBe(502);
    expect(response.json.error).toMatchObject({ type: "server_error", code: "upstream_error" });
  });

  test("a client mistake is never retried on another key nor charged", async () => {
    harness.fake.enqueue(
      geminiErrors.invalidArgument("* GenerateContentRequest.contents: contents is not specified"),
    );
    const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect(response.status).toBe(400);
    expect(harness.fake.requests).toHaveLength(1);
    expect(
      (await status(harness)).keys.every((key) => key.failureCount === 0 && key.state === "active"),
    ).toBe(true);
  });

  test("an unknown model is a 404 and is not retried", async () => {
    const response = await postJson(`${harness.url}/v1/chat/completions`, {
      ...CHAT,
      model: "gemini-9-ultra",
    });
    expect(response.status).toBe(404);
    expect(response.json.error).toMatchObject({ type: "not_found_error", code: "model_not_found" });
    expect(harness.fake.requests).toHaveLength(1);
  });

  test("/status never shows a whole key", async () => {
    const text = await (await fetch(`${harness.url}/status`)).text();
    for (const key of TEST_KEYS) expect(text).not.toContain(key);
  });
});
