import { geminiErrors } from "../fake-gemini/errors.js";
import { type Harness, postJson, postStream, startHarness, TEST_KEYS } from "../helpers/gateway-harness.js";

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

/** The stream invariants S of ../shared/reference/clients.md §7. */
function expectStreamInvariants(result: Awaited<ReturnType<typeof postStream>>) {
  expect(result.status).toBe(200);
  expect(result.headers.get("content-type")).toMatch(/^text\/event-stream/);
  expect(result.text).not.toMatch(/^event:/m);
  expect(result.events.every((event) => event.startsWith("data: ") || event.startsWith(":"))).toBe(true);
  expect(result.data.at(-1)).toBe("[DONE]");
  const chunks = result.data.slice(0, -1) as Array<Record<string, any>>;
  for (const chunk of chunks) {
    expect(Array.isArray(chunk.choices)).toBe(true);
    expect(Number.isInteger(chunk.created)).toBe(true);
    for (const choice of chunk.choices) {
      expect(choice.index).toBe(0);
      if (choice.delta.role !== undefined) expect(choice.delta.role).toBe("assistant");
    }
  }
  const withUsage = chunks.filter((chunk) => chunk.usage);
  expect(withUsage).toHaveLength(1);
  expect(chunks.at(-1)?.usage).toBeTruthy();
  expect(chunks.at(-1)?.choices).toEqual([]);
  const usage = chunks.at(-1)?.usage;
  expect(usage.prompt_tokens + usage.completion_tokens).toBe(usage.total_tokens);
  const finishes = chunks
    .flatMap((chunk) => chunk.choices.map((choice: any) => choice.finish_reason))
    .filter(Boolean);
  expect(finishes).toHaveLength(1);
  expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  return { chunks, finish: finishes[0], usage };
}

function textOf(chunks: Array<Record<string, any>>): string {
  return chunks.flatMap((chunk) => chunk.choices.map((choice: any) => choice.delta.content ?? "")).join("");
}

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
    const result = await postStream(`${harness.url}/v1/chat/completions`, STREAM);
    const { chunks, finish } = expectStreamInvariants(result);
    expect(textOf(chunks)).toBe("Hello there!");
    expect(finish).toBe("stop");
  });

  test("streaming without include_usage sends no usage", async () => {
    const result = await postStream(`${harness.url}/v1/chat/completions`, {
      ...STREAM,
      stream_options: undefined,
    });
    expect(result.status).toBe(200);
    expect(result.data.slice(0, -1).some((chunk: any) => chunk.usage)).toBe(false);
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
    const result = await postStream(`${harness.url}/v1/chat/completions`, STREAM);
    expect(expectStreamInvariants(result).finish).toBe("length");
  });

  test("a 429 before the first event moves the stream to another key unseen", async () => {
    harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "1s" }), {
      action: "streamGenerateContent",
    });
    const result = await postStream(`${harness.url}/v1/chat/completions`, STREAM);
    expect(textOf(expectStreamInvariants(result).chunks)).toBe("Echo: Say hi");
    const streamed = harness.fake.requests
      .filter((request) => request.action === "streamGenerateContent")
      .slice(-2);
    expect(streamed[0]?.key).not.toBe(streamed[1]?.key);
  });

  test("a hung upstream times out and the next key answers", async () => {
    harness.fake.enqueue({ kind: "hang" });
    const started = Date.now();
    const result = await postStream(`${harness.url}/v1/chat/completions`, STREAM);
    expect(textOf(expectStreamInvariants(result).chunks)).toBe("Echo: Say hi");
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
    const result = await postStream(`${harness.url}/v1/chat/completions`, {
      ...STREAM,
      model: "gemini-2.0-flash",
    });
    expect(result.status).toBe(200);
    const chunks = result.data as Array<Record<string, any>>;
    expect(textOf(chunks.filter((chunk) => chunk.choices))).toBe("one two ");
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
    const result = await postStream(`${harness.url}/v1/chat/completions`, {
      ...STREAM,
      model: "gemini-2.0-flash",
    });
    const chunks = result.data as Array<Record<string, any>>;
    expect(textOf(chunks.filter((chunk) => chunk.choices))).toBe("one two ");
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
    const streamed = await postStream(`${harness.url}/v1/chat/completions`, STREAM);
    expect(textOf(expectStreamInvariants(streamed).chunks)).toBe("Echo: Say hi");
  });

  test("no key is ever sent in the URL", async () => {
    await postStream(`${harness.url}/v1/chat/completions`, STREAM);
    for (const request of harness.fake.requests) {
      expect(request.query.key).toBeUndefined();
      expect(request.keySource).toBe("x-goog-api-key");
    }
    expect([ALPHA, BRAVO]).toContain(harness.fake.requests[0]?.key ?? ALPHA);
  });
});
