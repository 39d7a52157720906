/**
 * `POST /v1/embeddings` in OpenAI's shape over Gemini `batchEmbedContents`, against the fake Gemini,
 * whose vectors are deterministic (test/fake-gemini/embeddings.ts), so every value can be checked.
 */
import OpenAI from "openai";
import { embedText } from "../fake-gemini/embeddings.js";
import { geminiErrors } from "../fake-gemini/index.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const [ALPHA, BRAVO, CHARLIE] = TEST_KEYS;
const MODEL = "gemini-embedding-001";

interface BatchBody {
  requests: Array<{
    model: string;
    content: { parts: Array<{ text: string }> };
    outputDimensionality?: number;
  }>;
}

function decodeFloat32(base64: string): number[] {
  const bytes = Buffer.from(base64, "base64");
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

describe("POST /v1/embeddings", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.stop();
  });

  const embed = (body: unknown) => postJson(`${harness.url}/v1/embeddings`, body);

  test("one string with dimensions: one batchEmbedContents call and OpenAI's response shape", async () => {
    const response = await embed({ model: MODEL, input: "hello world", dimensions: 8 });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: embedText("hello world", 8) }],
      model: MODEL,
      usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(response.json.usage.prompt_tokens).toBeGreaterThan(0);
    expect(response.json.usage.total_tokens).toBe(response.json.usage.prompt_tokens);
    expect(harness.fake.requests).toHaveLength(1);
    const [request] = harness.fake.requests;
    expect(request?.path).toBe(`/v1beta/models/${MODEL}:batchEmbedContents`);
    expect(request?.body).toEqual({
      requests: [
        { model: `models/${MODEL}`, content: { parts: [{ text: "hello world" }] }, outputDimensionality: 8 },
      ],
    });
  });

  test("250 inputs go in three batches (100, 100, 50) on rotating keys, answered in order", async () => {
    const inputs = Array.from({ length: 250 }, (_, index) => `document number ${index}`);
    const response = await embed({ model: MODEL, input: inputs, dimensions: 4 });
    expect(response.status).toBe(200);
    expect(response.json.data).toHaveLength(250);
    response.json.data.forEach((item: { index: number; embedding: number[] }, position: number) => {
      expect(item.index).toBe(position);
      expect(item.embedding).toEqual(embedText(inputs[position]!, 4));
    });

    const batches = harness.fake.requests.map((request) => (request.body as BatchBody).requests);
    expect(batches.map((requests) => requests.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(
      batches
        .flat()
        .map((request) => request.content.parts[0]?.text)
        .sort(),
    ).toEqual([...inputs].sort());
    expect(new Set(harness.fake.requests.map((request) => request.key))).toEqual(
      new Set([ALPHA, BRAVO, CHARLIE]),
    );
  });

  test("encoding_format base64 is little-endian float32 of the same vector", async () => {
    const floats = await embed({ model: MODEL, input: ["alpha", "beta"], dimensions: 6 });
    const base64 = await embed({
      model: MODEL,
      input: ["alpha", "beta"],
      dimensions: 6,
      encoding_format: "base64",
    });
    expect(base64.status).toBe(200);
    expect(typeof base64.json.data[0].embedding).toBe("string");
    base64.json.data.forEach((item: { embedding: string }, index: number) => {
      const decoded = decodeFloat32(item.embedding);
      expect(decoded).toHaveLength(6);
      decoded.forEach((value, position) => {
        expect(value).toBeCloseTo(floats.json.data[index].embedding[position], 6);
      });
    });
  });

  test("a 429 on one batch moves only that batch to another key", async () => {
    harness.fake.setKeyBehavior(ALPHA, geminiErrors.rateLimitPerMinute({ model: MODEL, retryDelay: "30s" }));
    const inputs = Array.from({ length: 150 }, (_, index) => `chunk ${index}`);
    const response = await embed({ model: MODEL, input: inputs, dimensions: 3 });
    expect(response.status).toBe(200);
    expect(response.json.data.map((item: { embedding: number[] }) => item.embedding)).toEqual(
      inputs.map((text) => embedText(text, 3)),
    );
    const byKey = harness.fake.requests.map((request) => [
      request.key,
      (request.body as BatchBody).requests.length,
    ]);
    // The two batches start on ALPHA and BRAVO; ALPHA's refusal sends its batch alone to CHARLIE.
    expect(byKey).toHaveLength(3);
    expect(byKey.filter(([key]) => key === ALPHA)).toHaveLength(1);
    const alphaBatch = byKey.find(([key]) => key === ALPHA)?.[1];
    expect(byKey.find(([key]) => key === CHARLIE)?.[1]).toBe(alphaBatch);
    expect(byKey.find(([key]) => key === BRAVO)?.[1]).toBe(150 - Number(alphaBatch));
  });

  test("the client's mistake upstream (an unknown model) is an OpenAI 404", async () => {
    const response = await embed({ model: "text-embedding-3-small", input: "x" });
    expect(response.status).toBe(404);
    expect(response.json.error).toMatchObject({ type: "not_found_error", param: null });
    expect(harness.fake.requests).toHaveLength(1);
  });

  test.each([
    ["token ids", { model: MODEL, input: [1, 2, 3] }, "input", /token ids/],
    ["arrays of token ids", { model: MODEL, input: [[1, 2], [3]] }, "input", /token ids/],
    ["an empty array", { model: MODEL, input: [] }, "input", /must not be empty/],
    ["an empty string", { model: MODEL, input: "" }, "input", /must not be an empty string/],
    ["an empty item", { model: MODEL, input: ["a", ""] }, "input[1]", /must not be an empty string/],
    ["a missing input", { model: MODEL }, "input", /'input' must be a string or an array of strings/],
    [
      "mixed items",
      { model: MODEL, input: ["a", 3] },
      "input",
      /'input' must be a string or an array of strings/,
    ],
    ["a missing model", { input: "a" }, "model", /'model' is required/],
    ["zero dimensions", { model: MODEL, input: "a", dimensions: 0 }, "dimensions", /'dimensions'/],
    ["fractional dimensions", { model: MODEL, input: "a", dimensions: 1.5 }, "dimensions", /'dimensions'/],
    [
      "an unknown encoding",
      { model: MODEL, input: "a", encoding_format: "int8" },
      "encoding_format",
      /float/,
    ],
    ["too many inputs", { model: MODEL, input: Array(2049).fill("a") }, "input", /at most 2048/],
  ])("%s is a 400 that names the field", async (_name, body, param, message) => {
    const response = await embed(body);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ type: "invalid_request_error", param });
    expect(response.json.error.message).toMatch(message);
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("the openai client's embeddings.create (base64 by default) gets the right vectors", async () => {
    const client = new OpenAI({ apiKey: "client-token", baseURL: `${harness.url}/v1`, maxRetries: 0 });
    const single = await client.embeddings.create({ model: MODEL, input: "hello", dimensions: 5 });
    expect(single.object).toBe("list");
    expect(single.model).toBe(MODEL);
    expect(single.data[0]?.index).toBe(0);
    single.data[0]?.embedding.forEach((value, index) => {
      expect(value).toBeCloseTo(embedText("hello", 5)[index]!, 6);
    });
    const many = await client.embeddings.create({
      model: MODEL,
      input: ["x", "y", "z"],
      encoding_format: "float",
    });
    expect(many.data.map((item) => item.embedding)).toEqual(
      ["x", "y", "z"].map((text) => embedText(text, 3072)),
    );
    expect(many.usage.prompt_tokens).toBeGreaterThan(0);
  });
});
