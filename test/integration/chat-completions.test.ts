import { geminiErrors } from "../fake-gemini/errors.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import {
  type ChunkJson,
  chatStreamOf,
  contentOf,
  expectChatStreamInvariants,
  finishReasonOf,
} from "../support/openai-chat-stream.js";
import { postSse } from "../support/sse.js";

const [ALPHA, BRAVO] = TEST_KEYS;
const STREAM = {
  model: "gemini-2.5-flash",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: [{ type: "text", text: "Say hi" }] },
  ],
  stream: true,
  stream_options: { include_usage: true },
};

describe("POST /v1/chat/completions", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { REQUEST_TIMEOUT_MS: "1500" } });
  });
  afterAll(async () => {
    await harness.stop();
  });
  afterEach(() => {
    for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, null);
  });

  test("non-streaming: the exact text, the requested model, usage and a stable shape", async () => {
    harness.fake.enqueue({
      kind: "text",
      text: "Hello there!",
      usage: { promptTokenCount: 11, candidatesTokenCount: 3, thoughtsTokenCount: 5 },
    });
    const response = await postJson(`${harness.url}/v1/chat/completions`, { ...STREAM, stream: false });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: "chat.completion",
      created: expect.any(Number),
      model: "gemini-2.5-flash",
      choices: [
        {
          index: 0,
          message: expect.objectContaining({ role: "assistant", content: "Hello there!" }),
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: expect.objectContaining({ prompt_tokens: 11, completion_tokens: 8, total_tokens: 19 }),
    });
    // The system message went to systemInstruction, the user turn to contents.
    const sent = harness.fake.requests.at(-1)?.body as Record<string, any>;
    expect(sent.systemInstruction.parts).toEqual([{ text: "Be brief." }]);
    expect(sent.contents).toEqual([{ role: "user", parts: [{ text: "Say hi" }] }]);
  });

  test("streaming: SSE data lines only, usage once in a last chunk with choices: [], then [DONE]", async () => {
    harness.fake.enqueue({ kind: "text", text: ["Hel", "lo ", "there!"] });
    const result = chatStreamOf(await postSse(`${harness.url}/v1/chat/completions`, STREAM));
    const chunks = expectChatStreamInvariants(result, { model: STREAM.model });
    expect(contentOf(chunks)).toBe("Hello there!");
    expect(finishReasonOf(chunks)).toBe("stop");
  });

  test("streaming without include_usage sends no usage", async () => {
    const result = chatStreamOf(
      await postSse(`${harness.url}/v1/chat/completions`, {
        ...STREAM,
        stream_options: undefined,
      }),
    );
    expect(result.status).toBe(200);
    expect(result.done).toBe(true);
    expect(result.payloads.some((chunk) => chunk.usage)).toBe(false);
  });

  test("parameters reach generationConfig", async () => {
    await postJson(`${harness.url}/v1/chat/completions`, {
      ...STREAM,
      stream: false,
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      stop: "END",
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
    });
    const sent = harness.fake.requests.at(-1)?.body as Record<string, any>;
    expect(sent.generationConfig).toMatchObject({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 100,
      stopSequences: ["END"],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
    });
  });

  test("MAX_TOKENS maps to finish_reason length", async () => {
    harness.fake.enqueue({ kind: "text", text: "Rivers are", finishReason: "MAX_TOKENS" });
    const result = chatStreamOf(await postSse(`${harness.url}/v1/chat/completions`, STREAM));
    expect(finishReasonOf(expectChatStreamInvariants(result, { model: STREAM.model }))).toBe("length");
  });

  test("a 429 before the first event moves the stream to another key unseen", async () => {
    harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "1s" }), {
      action: "streamGenerateContent",
    });
    const result = chatStreamOf(await postSse(`${harness.url}/v1/chat/completions`, STREAM));
    expect(contentOf(expectChatStreamInvariants(result, { model: STREAM.model }))).toBe("Echo: Say hi");
    const streamed = harness.fake.requests
      .filter((request) => request.action === "streamGenerateContent")
      .slice(-2);
    expect(streamed[0]?.key).not.toBe(streamed[1]?.key);
  });

  test("a hung upstream times out and the next key answers", async () => {
    harness.fake.enqueue({ kind: "hang" });
    const started = Date.now();
    const result = chatStreamOf(await postSse(`${harness.url}/v1/chat/completions`, STREAM));
    expect(contentOf(expectChatStreamInvariants(result, { model: STREAM.model }))).toBe("Echo: Say hi");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  test("a connection reset before any byte moves to the next key", async () => {
    harness.fake.enqueue({ kind: "drop", afterChunks: 0 });
    const response = await postJson(`${harness.url}/v1/chat/completions`, { ...STREAM, stream: false });
    expect(response.status).toBe(200);
    expect(response.json.choices[0].message.content).toBe("Echo: Say hi");
  });

  test("a mid-stream upstream error becomes an SSE error event, never a silent stop", async () => {
    harness.fake.enqueue({
      kind: "midStreamError",
      afterChunks: 2,
      from: { kind: "text", text: ["one ", "two ", "three"] },
    });
    const result = chatStreamOf(
      await postSse(`${harness.url}/v1/chat/completions`, {
        ...STREAM,
        model: "gemini-2.0-flash",
      }),
    );
    expect(result.status).toBe(200);
    const chunks = result.payloads;
    expect(contentOf(chunks.filter((chunk) => chunk.choices) as ChunkJson[])).toBe("one two ");
    const last = chunks.at(-1);
    expect(last?.error).toMatchObject({ type: "server_error", code: "upstream_error" });
    expect(last?.error.message).toMatch(/^Upstream stream interrupted/);
    expect(
      chunks.some((chunk) => chunk.choices?.some((choice: any) => choice.finish_reason === "stop")),
    ).toBe(false);
    expect(result.text).not.toMatch(/^event:/m);
  });

  test("a dropped connection mid-stream becomes an SSE error event", async () => {
    harness.fake.enqueue({
      kind: "drop",
      afterChunks: 2,
      from: { kind: "text", text: ["one ", "two ", "three"] },
    });
    const result = chatStreamOf(
      await postSse(`${harness.url}/v1/chat/completions`, {
        ...STREAM,
        model: "gemini-2.0-flash",
      }),
    );
    const chunks = result.payloads;
    expect(contentOf(chunks.filter((chunk) => chunk.choices) as ChunkJson[])).toBe("one two ");
    expect(chunks.at(-1)?.error?.message).toMatch(/^Upstream stream interrupted/);
  });

  test("an empty upstream answer is retried once before the client sees anything", async () => {
    harness.fake.enqueue({
      kind: "chunks",
      chunks: [{ candidates: [{ content: {}, finishReason: "STOP", index: 0 }] }],
    });
    const response = await postJson(`${harness.url}/v1/chat/completions`, { ...STREAM, stream: false });
    expect(response.json.choices[0].message.content).toBe("Echo: Say hi");
    harness.fake.enqueue({
      kind: "chunks",
      chunks: [{ candidates: [{ content: {}, finishReason: "STOP", index: 0 }] }],
    });
    const streamed = chatStreamOf(await postSse(`${harness.url}/v1/chat/completions`, STREAM));
    expect(contentOf(expectChatStreamInvariants(streamed, { model: STREAM.model }))).toBe("Echo: Say hi");
  });

  test("no key is ever sent in the URL", async () => {
    await postSse(`${harness.url}/v1/chat/completions`, STREAM);
    for (const request of harness.fake.requests) {
      expect(request.query.key).toBeUndefined();
      expect(request.keySource).toBe("x-goog-api-key");
    }
    expect([ALPHA, BRAVO]).toContain(harness.fake.requests[0]?.key ?? ALPHA);
  });
});
