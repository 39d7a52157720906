/**
 * Google's OpenAI-compatible layer, `/v1beta/openai/*`, through the gateway: the pool key as Bearer,
 * failover, and Google's array-wrapped errors turned into OpenAI error objects. Read with the real
 * `openai` client where it matters what a client makes of the answer.
 */
import OpenAI from "openai";
import { geminiErrors, reply } from "../fake-gemini/index.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { type ChunkJson, chatStreamOf, contentOf } from "../support/openai-chat-stream.js";
import { postSse } from "../support/sse.js";

const [ALPHA, BRAVO, CHARLIE] = TEST_KEYS;
const CLIENT_TOKEN = "client-token-compat-0000";
const CHAT = "/v1beta/openai/chat/completions";
const CHAT_BODY = { model: "gemini-2.0-flash", messages: [{ role: "user", content: "Hello compat" }] };
const AUTH = { authorization: `Bearer ${CLIENT_TOKEN}` };

describe("Google's compat layer /v1beta/openai through the gateway", () => {
  let harness: Harness;
  let client: OpenAI;
  beforeEach(async () => {
    harness = await startHarness({ env: { ACCESS_TOKEN: CLIENT_TOKEN } });
    client = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${harness.url}/v1beta/openai`, maxRetries: 0 });
  });
  afterEach(async () => {
    await harness.stop();
  });

  const expectOnlyPoolKeysUpstream = () => {
    expect(harness.fake.requests.length).toBeGreaterThan(0);
    for (const request of harness.fake.requests) {
      expect(request.keySource).toBe("bearer");
      expect(TEST_KEYS).toContain(request.key);
      expect(request.headers.authorization).toBe(`Bearer ${request.key}`);
      expect(JSON.stringify(request)).not.toContain(CLIENT_TOKEN);
    }
  };

  test("chat completions rotate over the keys, each sent as Bearer; the client's token never travels", async () => {
    for (let index = 0; index < 3; index++) {
      const response = await postJson(`${harness.url}${CHAT}`, CHAT_BODY, AUTH);
      expect(response.status).toBe(200);
      expect(response.json.choices[0].message.content).toBe("Echo: Hello compat");
    }
    expect(harness.fake.counts({ action: "openai.chatCompletions" })).toEqual({
      [ALPHA]: 1,
      [BRAVO]: 1,
      [CHARLIE]: 1,
    });
    expect(harness.fake.requests[0]?.rawBody).toBe(JSON.stringify(CHAT_BODY));
    expectOnlyPoolKeysUpstream();
  });

  test("a streamed chat completion is relayed as Google sent it, [DONE] included", async () => {
    const response = chatStreamOf(
      await postSse(`${harness.url}${CHAT}`, { ...CHAT_BODY, stream: true }, AUTH),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.done).toBe(true);
    expect(response.afterDone).toEqual([]);
    expect(contentOf(response.payloads as ChunkJson[])).toBe("Echo: Hello compat");
    expectOnlyPoolKeysUpstream();
  });

  test("a 429 moves a chat completion and a stream to another key", async () => {
    harness.fake.setKeyBehavior(
      ALPHA,
      geminiErrors.rateLimitPerMinute({ model: "gemini-2.0-flash", retryDelay: "30s" }),
    );
    harness.fake.setKeyBehavior(
      BRAVO,
      geminiErrors.rateLimitPerMinute({ model: "gemini-2.0-flash", retryDelay: "30s" }),
    );
    const response = await postJson(`${harness.url}${CHAT}`, CHAT_BODY, AUTH);
    expect(response.status).toBe(200);
    const stream = chatStreamOf(await postSse(`${harness.url}${CHAT}`, { ...CHAT_BODY, stream: true }, AUTH));
    expect(stream.status).toBe(200);
    expect(stream.done).toBe(true);
    expect(stream.afterDone).toEqual([]);
    // The first request walks past both refusing keys; they rest for the model, so the stream goes to CHARLIE.
    expect(harness.fake.requests.map((request) => request.key)).toEqual([ALPHA, BRAVO, CHARLIE, CHARLIE]);
  });

  test("Google's array-wrapped error becomes an OpenAI error object with its real status", async () => {
    const response = await postJson(`${harness.url}${CHAT}`, { ...CHAT_BODY, web_search_options: {} }, AUTH);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: {
        message: 'Invalid JSON payload received. Unknown name "web_search_options": Cannot find field.',
        type: "invalid_request_error",
        code: "invalid_argument",
        param: null,
      },
    });
    // The client's own mistake is not retried on other keys.
    expect(harness.fake.requests).toHaveLength(1);
  });

  test("the openai client reads a compat error's message and status", async () => {
    const failure = client.chat.completions.create({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "hi" }],
      reasoning_effort: "none",
    });
    await expect(failure).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await failure.catch((error: InstanceType<typeof OpenAI.APIError>) => {
      expect(error.status).toBe(400);
      expect(error.message).toBe("400 Budget 0 is invalid. This model only works in thinking mode.");
    });
  });

  test("when every key rests the client hears 429 in OpenAI's shape with Retry-After", async () => {
    for (const key of TEST_KEYS) {
      harness.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.0-flash", retryDelay: "20s" }),
      );
    }
    const response = await postJson(
      `${harness.url}${CHAT}`,
      { ...CHAT_BODY, model: "gemini-2.0-flash" },
      AUTH,
    );
    expect(response.status).toBe(429);
    expect(response.json.error).toMatchObject({
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      param: null,
    });
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  test("a request without a model, or without JSON, is refused before any upstream call", async () => {
    const noModel = await postJson(`${harness.url}${CHAT}`, { messages: [] }, AUTH);
    expect(noModel.status).toBe(400);
    expect(noModel.json.error).toMatchObject({ type: "invalid_request_error", param: "model" });
    const notJson = await postJson(`${harness.url}${CHAT}`, "{not json", AUTH);
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.type).toBe("invalid_request_error");
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("without the gateway's token the compat layer answers 401 in OpenAI's shape", async () => {
    const response = await postJson(`${harness.url}${CHAT}`, CHAT_BODY, { authorization: "Bearer wrong" });
    expect(response.status).toBe(401);
    expect(response.json.error.type).toBe("authentication_error");
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("the openai client: chat, stream, embeddings and models on /v1beta/openai", async () => {
    const completion = await client.chat.completions.create(CHAT_BODY as never);
    expect((completion as OpenAI.ChatCompletion).choices[0]?.message.content).toBe("Echo: Hello compat");

    harness.fake.enqueue(reply.text(["One, ", "two, ", "three."]));
    const stream = await client.chat.completions.create({ ...CHAT_BODY, stream: true } as never);
    const pieces: string[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      pieces.push(chunk.choices[0]?.delta.content ?? "");
    }
    expect(pieces.join("")).toBe("One, two, three.");

    // openai-node asks for base64 and decodes it.
    const embeddings = await client.embeddings.create({
      model: "gemini-embedding-001",
      input: ["a", "b"],
      dimensions: 4,
    });
    expect(embeddings.data.map((item) => item.embedding.length)).toEqual([4, 4]);

    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain("models/gemini-2.5-flash");
    const model = await client.models.retrieve("gemini-2.5-flash");
    expect(model.id).toContain("gemini-2.5-flash");

    expect(harness.fake.requests.map((request) => request.action)).toEqual([
      "openai.chatCompletions",
      "openai.chatCompletions",
      "openai.embeddings",
      "openai.listModels",
      "openai.getModel",
    ]);
    expectOnlyPoolKeysUpstream();
  });
});
