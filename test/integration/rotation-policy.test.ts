/**
 * The rotation policy as clients and operators see it: failures no key could have avoided are not
 * charged to keys, and the status a client hears says what is really wrong (Google unreachable, every
 * key disabled), in the envelope of the client's protocol.
 */
import { geminiErrors } from "../fake-gemini/errors.js";
import { freePort } from "../support/free-port.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson, request } from "../support/http.js";

const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };
const NATIVE = "/v1beta/models/gemini-2.5-flash:generateContent";
const PROMPT = { contents: [{ role: "user", parts: [{ text: "Say hi" }] }] };

interface KeyStatus {
  state: string;
  failureCount: number;
  lastError: string | null;
}

async function keys(harness: Harness): Promise<KeyStatus[]> {
  return ((await request(`${harness.url}/status`)).json as { keys: KeyStatus[] }).keys;
}

async function metricValue(harness: Harness, pattern: RegExp): Promise<number> {
  const { text } = await request(`${harness.url}/metrics`);
  return text
    .split("\n")
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

describe("Google cannot be reached at all", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { GEMINI_BASE_URL: `http://127.0.0.1:${await freePort()}` } });
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("many requests later no key is disabled or charged, and clients hear 503 with Retry-After", async () => {
    for (let index = 0; index < 8; index++) {
      const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(response.json).toEqual({
        error: {
          message: expect.stringMatching(/Google cannot be reached/),
          type: "server_error",
          code: "upstream_unreachable",
          param: null,
        },
      });
    }
    const status = await keys(harness);
    expect(status).toHaveLength(TEST_KEYS.length);
    for (const key of status) {
      expect(key).toMatchObject({ state: "active", failureCount: 0 });
      expect(key.lastError).toMatch(/ECONNREFUSED/);
    }
    // Each attempt is still counted, as a network error.
    expect(await metricValue(harness, /^gateway_upstream_requests_total\{.*outcome="network_error"/)).toBe(
      8 * TEST_KEYS.length,
    );
  });

  test("a native client hears the same in Gemini's envelope", async () => {
    const response = await postJson(`${harness.url}${NATIVE}`, PROMPT);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
    expect(response.json).toEqual({
      error: { code: 503, message: expect.stringMatching(/Google cannot be reached/), status: "UNAVAILABLE" },
    });
    expect((await keys(harness)).every((key) => key.state === "active")).toBe(true);
  });
});

describe("every key disabled", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("after repeated server errors: 503 with Retry-After until the next probe, not 429", async () => {
    for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, geminiErrors.internal());
    // MAX_FAILURES (3) requests, each trying every key once, disable every key.
    for (let index = 0; index < 3; index++) await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect((await keys(harness)).map((key) => key.state)).toEqual(["disabled", "disabled", "disabled"]);

    const before = harness.fake.requests.length;
    const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect(response.status).toBe(503);
    expect(response.json.error).toMatchObject({ type: "server_error", code: "no_available_keys" });
    // The first probe comes a minute after a key was disabled.
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(harness.fake.requests.length).toBe(before);
  });

  test("disabled as invalid: 503 without a time to retry, since only people can fix it", async () => {
    await request(`${harness.url}/admin/reset-keys`, { method: "POST" });
    for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, geminiErrors.invalidKey());
    const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT);
    expect(response.status).toBe(503);
    expect(response.json.error).toMatchObject({ code: "no_available_keys" });
    expect(response.headers.get("retry-after")).toBeNull();
  });
});
