/**
 * The other endpoints on the wire: models paging, countTokens' two body forms, embeddings and their
 * limits (reference §5, §7).
 */
import { type FakeGemini, startFakeGemini } from "../fake-gemini/index.js";
import { callFake } from "../fake-gemini/test-client.js";

const KEY = "fake-key-endpoints-0001";
const hello = [{ role: "user", parts: [{ text: "hello world" }] }];
const embedRequest = (text: string, model = "models/gemini-embedding-001") => ({
  model,
  content: { parts: [{ text }] },
  outputDimensionality: 16,
});

describe("models, countTokens and embeddings", () => {
  let fake: FakeGemini;
  const get = (path: string) => callFake(fake, path, { apiKey: KEY });
  const post = (path: string, body: unknown) => callFake(fake, path, { apiKey: KEY, body });
  const message = (json: unknown) => (json as { error: { message: string } }).error.message;

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: [KEY] });
  });
  afterAll(() => fake.close());

  test("models.list pages with pageSize/pageToken and omits nextPageToken on the last page", async () => {
    const first = (await get("/v1beta/models?pageSize=5")).json as {
      models: unknown[];
      nextPageToken?: string;
    };
    const second = (await get(`/v1beta/models?pageSize=5&pageToken=${first.nextPageToken}`)).json as {
      models: unknown[];
      nextPageToken?: string;
    };
    const all = (await get("/v1beta/models")).json as {
      models: Array<{ name: string }>;
      nextPageToken?: string;
    };

    expect(first.models).toHaveLength(5);
    expect(first.nextPageToken).toEqual(expect.any(String));
    expect(second.models).toHaveLength(3);
    expect(second).not.toHaveProperty("nextPageToken");
    expect(all.models).toHaveLength(8);
    expect(all).not.toHaveProperty("nextPageToken");
    expect(all.models[1]).toEqual({
      name: "models/gemini-2.5-flash",
      version: "001",
      displayName: "Gemini 2.5 Flash",
      description: expect.stringContaining("Stable version of Gemini 2.5 Flash"),
      inputTokenLimit: 1048576,
      outputTokenLimit: 65536,
      supportedGenerationMethods: [
        "generateContent",
        "countTokens",
        "createCachedContent",
        "batchGenerateContent",
      ],
      temperature: 1,
      topP: 0.95,
      topK: 64,
      maxTemperature: 2,
      thinking: true,
    });
    expect(all.models.find((model) => model.name === "models/gemini-2.0-flash")).not.toHaveProperty(
      "thinking",
    );
  });

  test("GET one model, and Google's 404 for an unknown one", async () => {
    const known = await get("/v1beta/models/text-embedding-004");
    const unknown = await get("/v1beta/models/gemini-9");

    expect(known.json).toMatchObject({
      name: "models/text-embedding-004",
      supportedGenerationMethods: ["embedContent"],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      error: {
        code: 404,
        message: "Model is not found: models/gemini-9 for api version v1beta",
        status: "NOT_FOUND",
      },
    });
  });

  test("countTokens takes contents or a whole generateContentRequest, not both", async () => {
    const bare = await post("/v1beta/models/gemini-2.5-flash:countTokens", { contents: hello });
    const wrapped = await post("/v1beta/models/gemini-2.5-flash:countTokens", {
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: hello,
        systemInstruction: { parts: [{ text: "be nice" }] },
      },
    });
    const both = await post("/v1beta/models/gemini-2.5-flash:countTokens", {
      contents: hello,
      generateContentRequest: { contents: hello },
    });

    expect(bare.json).toEqual({ totalTokens: 3, promptTokensDetails: [{ modality: "TEXT", tokenCount: 3 }] });
    expect(wrapped.json).toMatchObject({ totalTokens: 5 });
    expect(both.status).toBe(400);
  });

  test("embedContent gives one deterministic vector of the requested size (3072 by default)", async () => {
    const sized = await post("/v1beta/models/gemini-embedding-001:embedContent", embedRequest("alpha"));
    const full = await post("/v1beta/models/gemini-embedding-001:embedContent", {
      content: { parts: [{ text: "a" }] },
    });
    const values = (sized.json as { embedding: { values: number[] } }).embedding.values;

    expect(values).toHaveLength(16);
    expect(Math.hypot(...values)).toBeCloseTo(1, 5);
    expect((full.json as { embedding: { values: number[] } }).embedding.values).toHaveLength(3072);
  });

  test("batchEmbedContents: each request must name the path's model; at most 100 requests", async () => {
    const ok = await post("/v1beta/models/gemini-embedding-001:batchEmbedContents", {
      requests: [embedRequest("a"), embedRequest("b")],
    });
    const mismatch = await post("/v1beta/models/gemini-embedding-001:batchEmbedContents", {
      requests: [embedRequest("a", "models/text-embedding-004")],
    });
    const tooMany = await post("/v1beta/models/gemini-embedding-001:batchEmbedContents", {
      requests: Array.from({ length: 101 }, (_, index) => embedRequest(`text ${index}`)),
    });

    expect((ok.json as { embeddings: unknown[] }).embeddings).toHaveLength(2);
    expect(mismatch.status).toBe(400);
    expect(message(mismatch.json)).toContain("BatchEmbedContentsRequest.requests[0].model");
    expect(tooMany.status).toBe(400);
    expect(message(tooMany.json)).toBe(
      "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n",
    );
  });

  test("a generation model cannot embed", async () => {
    const answer = await post("/v1beta/models/gemini-2.5-flash:embedContent", embedRequest("a"));
    expect(answer.status).toBe(404);
    expect(message(answer.json)).toContain("is not supported for embedContent");
  });
});
