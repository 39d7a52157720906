/**
 * The real native client: Google's `@google/genai` SDK pointed at the gateway (`httpOptions.baseUrl`),
 * with the gateway's ACCESS_TOKEN as its API key, on a pool of rotating keys in front of the fake Gemini.
 */
import { ApiError, GoogleGenAI } from "@google/genai";
import { geminiErrors, reply } from "../fake-gemini/index.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";

const [ALPHA, BRAVO, CHARLIE] = TEST_KEYS;
const CLIENT_TOKEN = "client-token";

describe("@google/genai through the gateway", () => {
  let harness: Harness;
  let ai: GoogleGenAI;

  beforeEach(async () => {
    harness = await startHarness({ env: { ACCESS_TOKEN: CLIENT_TOKEN }, fake: { defaultPageSize: 3 } });
    // The gateway serves the native API under /v1beta; @google/genai 3.x defaults to v1. Under Jest's VM
    // sandbox the SDK's default Undici dispatcher is missing; handing it `fetch` avoids that.
    ai = new GoogleGenAI({
      apiKey: CLIENT_TOKEN,
      apiVersion: "v1beta",
      httpOptions: { baseUrl: harness.url, fetch },
    });
  });
  afterEach(async () => {
    // Whatever the SDK did, the client's token never reached Google, only pool keys did.
    for (const request of harness.fake.requests) {
      expect(TEST_KEYS).toContain(request.key);
      expect(request.keySource).toBe("x-goog-api-key");
      expect(JSON.stringify(request)).not.toContain(CLIENT_TOKEN);
    }
    await harness.stop();
  });

  test("generateContent on rotating keys", async () => {
    const texts: string[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await ai.models.generateContent({
        model: "gemini-2.5-flash",
        contents: `Hello ${index}`,
      });
      texts.push(response.text ?? "");
      expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    }
    expect(texts).toEqual(["Echo: Hello 0", "Echo: Hello 1", "Echo: Hello 2"]);
    expect(harness.fake.requests.map((request) => request.key)).toEqual([ALPHA, BRAVO, CHARLIE]);
  });

  test("generateContentStream yields every chunk; a 429 before the first byte is invisible", async () => {
    harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "30s" }));
    harness.fake.enqueue(reply.text(["One, ", "two, ", "three."], { paceMs: 20 }));
    const chunks: string[] = [];
    for await (const chunk of await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "Count to three",
    })) {
      chunks.push(chunk.text ?? "");
    }
    expect(chunks.filter(Boolean)).toEqual(["One, ", "two, ", "three."]);
    expect(harness.fake.requests.map((request) => [request.key, request.query])).toEqual([
      [ALPHA, { alt: "sse" }],
      [BRAVO, { alt: "sse" }],
    ]);
  });

  test("a mid-stream error reaches the SDK as its ApiError", async () => {
    harness.fake.enqueue(
      reply.midStreamError({
        afterChunks: 1,
        error: geminiErrors.internal(),
        from: reply.text(["a ", "b"], { paceMs: 50 }),
      }),
    );
    const received: string[] = [];
    const consume = async () => {
      for await (const chunk of await ai.models.generateContentStream({
        model: "gemini-2.0-flash",
        contents: "x",
      })) {
        received.push(chunk.text ?? "");
      }
    };
    await expect(consume()).rejects.toThrow(/got status: INTERNAL/);
    expect(received).toEqual(["a "]);
  });

  test("countTokens", async () => {
    const counted = await ai.models.countTokens({
      model: "gemini-2.5-flash",
      contents: "How many tokens is this sentence?",
    });
    expect(counted.totalTokens).toBe(9);
    expect(harness.fake.requests[0]?.action).toBe("countTokens");
  });

  test("embedContent (batchEmbedContents underneath)", async () => {
    const response = await ai.models.embedContent({
      model: "gemini-embedding-001",
      contents: ["alpha", "beta", "alpha"],
      config: { outputDimensionality: 8 },
    });
    const vectors = response.embeddings?.map((embedding) => embedding.values) ?? [];
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toHaveLength(8);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
    expect(harness.fake.requests[0]?.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
  });

  test("models.list follows every page; models.get reads one", async () => {
    const pager = await ai.models.list({ config: { pageSize: 3 } });
    const names: string[] = [];
    for await (const model of pager) names.push(model.name ?? "");
    expect(names).toContain("models/gemini-2.5-pro");
    expect(names).toContain("models/gemini-embedding-001");
    expect(names.length).toBeGreaterThan(3);
    expect(harness.fake.requests.length).toBeGreaterThan(1);
    expect(harness.fake.requests.every((request) => request.query.pageSize === "3")).toBe(true);
    expect(harness.fake.requests.slice(1).every((request) => request.query.pageToken !== undefined)).toBe(
      true,
    );

    const model = await ai.models.get({ model: "gemini-2.5-pro" });
    expect(model).toMatchObject({ displayName: "Gemini 2.5 Pro", inputTokenLimit: 1048576 });
  });

  test("Google's errors reach the SDK as its ApiError, with Google's status and message", async () => {
    const unknown = ai.models.generateContent({ model: "gemini-9-ultra", contents: "hi" });
    await expect(unknown).rejects.toBeInstanceOf(ApiError);
    await unknown.catch((error: ApiError) => {
      expect(error.status).toBe(404);
      expect(error.message).toContain("models/gemini-9-ultra is not found");
    });

    for (const key of TEST_KEYS) {
      harness.fake.setKeyBehavior(key, geminiErrors.quotaPerDay({ model: "gemini-2.5-flash" }));
    }
    // Every key's daily quota spent: the gateway's own 429, in Gemini's envelope.
    const spent = ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    await expect(spent).rejects.toBeInstanceOf(ApiError);
    await spent.catch((error: ApiError) => {
      expect(error.status).toBe(429);
      expect(error.message).toContain("RESOURCE_EXHAUSTED");
      expect(error.message).toContain("daily quota");
    });
  });

  test("a wrong token is refused with the SDK's ApiError 401", async () => {
    const intruder = new GoogleGenAI({
      apiKey: "not-the-token",
      apiVersion: "v1beta",
      httpOptions: { baseUrl: harness.url, fetch },
    });
    await expect(
      intruder.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" }),
    ).rejects.toMatchObject({
      status: 401,
    });
    expect(harness.fake.requests).toHaveLength(0);
  });
});
