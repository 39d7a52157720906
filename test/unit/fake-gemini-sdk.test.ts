/**
 * The strongest fidelity check: Google's own SDK (@google/genai) talks to the fake and parses its answers.
 */
import { ApiError, GoogleGenAI } from "@google/genai";
import { type FakeGemini, geminiErrors, reply, startFakeGemini } from "../fake-gemini/index.js";

const KEY = "fake-key-alpha-0001";

describe("the fake Gemini API driven by @google/genai", () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: [KEY], defaultPageSize: 3 });
    // Under Jest's VM sandbox the SDK's default Undici dispatcher is missing; handing it `fetch` avoids it.
    // The gateway speaks v1beta; @google/genai 3.x defaults to v1 (served too, see the last test).
    ai = new GoogleGenAI({ apiKey: KEY, apiVersion: "v1beta", httpOptions: { baseUrl: fake.url, fetch } });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  test("generateContent echoes the prompt with usage, and the key travels in x-goog-api-key", async () => {
    const response = await ai.models.generateContent({ model: "gemini-2.0-flash", contents: "Hello there" });

    expect(response.text).toBe("Echo: Hello there");
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.modelVersion).toBe("gemini-2.0-flash");
    expect(response.responseId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 3,
      candidatesTokenCount: 5,
      totalTokenCount: 8,
    });
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ key: KEY, keySource: "x-goog-api-key", action: "generateContent" });
    expect(recorded?.query).not.toHaveProperty("key");
  });

  test("generateContentStream yields every chunk; usage runs and the finish reason comes last", async () => {
    fake.enqueue(reply.text(["One, ", "two, ", "three."]));
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "Count to three",
      config: { thinkingConfig: { includeThoughts: true } },
    })) {
      chunks.push(chunk);
    }

    expect(chunks.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.thought ?? false)).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(chunks.slice(1).map((chunk) => chunk.text)).toEqual(["One, ", "two, ", "three."]);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([
      undefined,
      undefined,
      undefined,
      "STOP",
    ]);
    const totals = chunks.map((chunk) => chunk.usageMetadata?.totalTokenCount ?? 0);
    expect([...totals].sort((a, b) => a - b)).toEqual(totals);
    expect(chunks[0]?.usageMetadata?.candidatesTokenCount).toBeUndefined();
    expect(chunks.at(-1)?.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
  });

  test("a scripted 429 surfaces as the SDK's ApiError with Google's body", async () => {
    fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 7.5 }));
    const failure = ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });

    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await failure.catch((error: ApiError) => {
      expect(error.status).toBe(429);
      expect(error.message).toContain("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
    });
  });

  test("a mid-stream error event makes the SDK throw after the first chunks", async () => {
    fake.enqueue(reply.midStreamError({ afterChunks: 1, error: geminiErrors.internal() }));
    const received: string[] = [];
    const consume = async () => {
      for await (const chunk of await ai.models.generateContentStream({
        model: "gemini-2.0-flash",
        contents: "tell me a long story",
      })) {
        received.push(chunk.text ?? "");
      }
    };

    await expect(consume()).rejects.toThrow(/got status: INTERNAL/);
    expect(received).toEqual(["Echo: tell "]);
  });

  test("countTokens agrees with generateContent's promptTokenCount", async () => {
    const contents = "How many tokens is this sentence?";
    const counted = await ai.models.countTokens({ model: "gemini-2.5-flash", contents });
    const generated = await ai.models.generateContent({ model: "gemini-2.5-flash", contents });

    expect(counted.totalTokens).toBe(9);
    expect(generated.usageMetadata?.promptTokenCount).toBe(counted.totalTokens);
  });

  test("embedContent goes through batchEmbedContents with deterministic vectors", async () => {
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
    expect(fake.requests[0]?.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
  });

  test("models.list follows nextPageToken through every page", async () => {
    const pager = await ai.models.list({ config: { pageSize: 3 } });
    const names: string[] = [];
    for await (const model of pager) names.push(model.name ?? "");

    expect(names).toContain("models/gemini-2.5-pro");
    expect(names).toContain("models/text-embedding-004");
    expect(names).toHaveLength(8);
    expect(fake.requests.map((request) => request.query.pageToken === undefined)).toEqual([
      true,
      false,
      false,
    ]);
  });

  test("models.get reads one model; an unknown one is Google's 404", async () => {
    const model = await ai.models.get({ model: "gemini-2.5-pro" });
    expect(model).toMatchObject({ displayName: "Gemini 2.5 Pro", inputTokenLimit: 1048576, thinking: true });

    await expect(ai.models.get({ model: "gemini-9-ultra" })).rejects.toThrow(
      "Model is not found: models/gemini-9-ultra for api version v1beta",
    );
  });

  test("a Gemini 3 function-calling round trip passes the signature rule", async () => {
    fake.enqueue(reply.functionCalls([{ name: "get_weather", args: { city: "Paris" } }]));
    const tools = [
      {
        functionDeclarations: [
          {
            name: "get_weather",
            parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } },
          },
        ],
      },
    ];
    const first = await ai.models.generateContent({
      model: "gemini-3-pro-preview",
      contents: "Weather in Paris?",
      config: { tools },
    });
    const modelTurn = first.candidates?.[0]?.content;
    expect(modelTurn?.parts?.[0]?.thoughtSignature).toEqual(expect.any(String));

    const second = await ai.models.generateContent({
      model: "gemini-3-pro-preview",
      contents: [
        { role: "user", parts: [{ text: "Weather in Paris?" }] },
        modelTurn!,
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { output: { temp_c: 21 } } } }],
        },
      ],
      config: { tools },
    });

    expect(second.text).toBe('Function get_weather returned {"output":{"temp_c":21}}');
  });

  test("the SDK's default API version, v1, is served as well", async () => {
    const defaultClient = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fake.url, fetch } });
    const response = await defaultClient.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "v1?",
    });

    expect(response.text).toBe("Echo: v1?");
    expect(fake.requests[0]?.path).toBe("/v1/models/gemini-2.5-flash:generateContent");
    await expect(defaultClient.models.get({ model: "gemini-0" })).rejects.toThrow("for api version v1");
  });
});
