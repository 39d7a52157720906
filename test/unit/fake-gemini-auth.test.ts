/**
 * Key handling: where the key may travel, Google's exact answers for a missing or unknown key, and what
 * the fake records about it (reference §4, §6).
 */
import { type FakeGemini, geminiErrors, startFakeGemini } from "../fake-gemini/index.js";
import { callFake } from "../fake-gemini/test-client.js";

const KEYS = ["fake-key-alpha-0001", "fake-key-bravo-0002"] as const;
const BODY = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
const GENERATE = "/v1beta/models/gemini-2.0-flash:generateContent";

describe("API keys", () => {
  let fake: FakeGemini;

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: KEYS });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  test("no key at all is Google's 403 for unregistered callers", async () => {
    const answer = await callFake(fake, GENERATE, { body: BODY });

    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      error: {
        code: 403,
        message:
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        status: "PERMISSION_DENIED",
      },
    });
  });

  test("an unknown key is a 400 (not 401) with ErrorInfo API_KEY_INVALID", async () => {
    const answer = await callFake(fake, GENERATE, { body: BODY, apiKey: "fake-key-unknown-9999" });

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: {
        code: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "API_KEY_INVALID",
            domain: "googleapis.com",
            metadata: { service: "generativelanguage.googleapis.com" },
          },
          {
            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
            locale: "en-US",
            message: "API key not valid. Please pass a valid API key.",
          },
        ],
      },
    });
    expect(answer.json).toEqual(geminiErrors.invalidKey().body);
  });

  test("the key may come in x-goog-api-key or ?key=, and the recording keeps the query", async () => {
    await callFake(fake, GENERATE, { body: BODY, apiKey: KEYS[0] });
    await callFake(fake, `${GENERATE}?key=${KEYS[1]}`, { body: BODY });

    expect(fake.requests.map(({ key, keySource, status }) => ({ key, keySource, status }))).toEqual([
      { key: KEYS[0], keySource: "x-goog-api-key", status: 200 },
      { key: KEYS[1], keySource: "query", status: 200 },
    ]);
    expect(fake.requests[0]?.query).toEqual({});
    expect(fake.requests[1]?.query).toEqual({ key: KEYS[1] });
    expect(fake.requests[0]?.headers["x-goog-api-key"]).toBe(KEYS[0]);
  });

  test("an Authorization header on the native API is tried as OAuth and refused, even beside a key", async () => {
    const answer = await callFake(fake, GENERATE, {
      body: BODY,
      apiKey: KEYS[0],
      headers: { authorization: "Bearer gateway-client-token" },
    });

    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
  });

  test("counts() gives requests per presented key, filterable by model and action", async () => {
    await callFake(fake, GENERATE, { body: BODY, apiKey: KEYS[0] });
    await callFake(fake, GENERATE, { body: BODY, apiKey: KEYS[0] });
    await callFake(fake, "/v1beta/models/gemini-2.5-flash:countTokens", { body: BODY, apiKey: KEYS[1] });
    await callFake(fake, GENERATE, { body: BODY, apiKey: "fake-key-unknown-9999" });

    expect(fake.counts()).toEqual({ [KEYS[0]]: 2, [KEYS[1]]: 1, "fake-key-unknown-9999": 1 });
    expect(fake.counts({ model: "gemini-2.5-flash" })).toEqual({ [KEYS[1]]: 1 });
    expect(fake.counts({ action: "generateContent" })).toEqual({ [KEYS[0]]: 2, "fake-key-unknown-9999": 1 });
  });

  test("without a `keys` option every key is accepted", async () => {
    const open = await startFakeGemini();
    try {
      const answer = await callFake(open, GENERATE, { body: BODY, apiKey: "fake-key-anything-0000" });
      expect(answer.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
