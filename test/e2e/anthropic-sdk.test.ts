/**
 * The official `@anthropic-ai/sdk` client against the BUILT gateway in front of the fake Gemini: what
 * its users (and Claude Code, which is built on it) see on `/v1/messages`, streaming and not, with its
 * typed errors, and the raw event stream held to every rule of Anthropic's streaming reference.
 */
import Anthropic from "@anthropic-ai/sdk";
import { geminiErrors, reply } from "../fake-gemini/index.js";
import {
  accumulateMessage,
  assertMessageStreamInvariants,
  postMessagesStream,
} from "../support/anthropic-stream.js";
import {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  generateRequests,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import { request } from "../support/http.js";
import { pngBase64 } from "../unit/protocols/anthropic-messages/helpers.js";

const ALIASES = "claude-*haiku*=gemini-2.5-flash,claude-*=gemini-2.5-pro";
const weatherTool = {
  name: "get_weather",
  description: "The weather in a city",
  input_schema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
};

let env: E2eEnvironment;
let client: Anthropic;

beforeAll(async () => {
  env = await startEnvironment({ env: { MODEL_ALIASES: ALIASES, SSE_KEEPALIVE_MS: "200" } });
  // The SDK sends the key as x-api-key, as Claude Code does with ANTHROPIC_API_KEY.
  client = new Anthropic({ baseURL: env.url, apiKey: ACCESS_TOKEN, maxRetries: 0, fetch });
});
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  await env.reset();
});

/** Reads a stream with the SDK, keeping every event, and returns them with the final message. */
async function streamed(params: Anthropic.MessageStreamParams) {
  const stream = client.messages.stream(params);
  const events: Anthropic.MessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, message: await stream.finalMessage() };
}

describe("messages.create", () => {
  test("a text answer under a Claude model name: MODEL_ALIASES picks the Gemini model, the answer names the asked one", async () => {
    env.fake.enqueue(
      reply.text("Hello from Gemini.", { usage: { promptTokenCount: 40, cachedContentTokenCount: 10 } }),
    );
    const message = await client.messages.create({
      model: "claude-sonnet-5",
      max_tokens: 8000,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "Say hello." }],
    });
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5",
      content: [{ type: "text", text: "Hello from Gemini." }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 30, cache_read_input_tokens: 10, output_tokens: expect.any(Number) },
    });
    expect(message.id).toMatch(/^msg_/);
    const sent = generateRequests(env.fake).at(-1);
    expect(sent?.model).toBe("gemini-2.5-pro");
    expect(sent?.action).toBe("generateContent");
    expect(lastGeminiBody(env.fake)).toMatchObject({
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 8000 },
    });
  });

  test("a haiku name lands on the haiku alias; a Gemini id passes unchanged", async () => {
    await client.messages.create({
      model: "claude-haiku-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "a" }],
    });
    const gemini = await client.messages.create({
      model: "gemini-2.5-flash-lite",
      max_tokens: 100,
      messages: [{ role: "user", content: "b" }],
    });
    expect(generateRequests(env.fake).map((sent) => sent.model)).toEqual([
      "gemini-2.5-flash",
      "gemini-2.5-flash-lite",
    ]);
    expect(gemini.model).toBe("gemini-2.5-flash-lite");
  });

  test("?beta=true (Claude Code's URL) and a Bearer token are accepted too", async () => {
    const answer = await request(`${env.url}/v1/messages?beta=true`, {
      body: { model: "gemini-2.5-flash", max_tokens: 50, messages: [{ role: "user", content: "hi" }] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ type: "message", content: [{ type: "text", text: "Echo: hi" }] });
  });

  test("an image (base64) reaches Gemini as inlineData", async () => {
    const message = await client.messages.create({
      model: "gemini-2.5-flash",
      max_tokens: 100,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: pngBase64 } },
            { type: "text", text: "What is this?" },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: "text", text: "Echo: What is this?" }]);
    expect(lastGeminiBody(env.fake).contents).toEqual([
      {
        role: "user",
        parts: [{ inlineData: { mimeType: "image/png", data: pngBase64 } }, { text: "What is this?" }],
      },
    ]);
  });

  test("the first key rate-limited: another key answers, the client never hears of it", async () => {
    env.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 30 }), {
      key: E2E_KEYS[0],
    });
    env.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 30 }), {
      key: E2E_KEYS[1],
    });
    const message = await client.messages.create({
      model: "gemini-2.5-flash",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content).toEqual([{ type: "text", text: "Echo: hi" }]);
    expect(new Set(generateRequests(env.fake).map((sent) => sent.key)).size).toBeGreaterThan(1);
  });
});

describe("messages.stream", () => {
  test("thinking then text: the SDK reads every event and ends with the same message as the raw stream", async () => {
    const params = {
      model: "gemini-2.5-flash",
      max_tokens: 2000,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [{ role: "user" as const, content: "Think, then answer." }],
    };
    env.fake.enqueue(reply.text(["The answer ", "is 42."], { thoughts: "**Working it out**" }));
    const { events, message } = await streamed(params);
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)?.type).toBe("message_stop");
    expect(message.content).toEqual([
      { type: "thinking", thinking: "**Working it out**", signature: "" },
      { type: "text", text: "The answer is 42." },
    ]);
    expect(message.stop_reason).toBe("end_turn");
    expect(lastGeminiBody(env.fake).generationConfig.thinkingConfig).toEqual({
      includeThoughts: true,
      thinkingBudget: 1024,
    });

    env.fake.enqueue(reply.text(["The answer ", "is 42."], { thoughts: "**Working it out**" }));
    const raw = await postMessagesStream(env.url, params, { "x-api-key": ACCESS_TOKEN });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toMatch(/^text\/event-stream/);
    assertMessageStreamInvariants(raw.events, { model: "gemini-2.5-flash" });
    const rawMessage = accumulateMessage(raw.events);
    expect(rawMessage.content).toEqual(message.content);
    expect(rawMessage.usage.input_tokens).toBeGreaterThan(0);
  });

  test("long silent thinking: ping events keep the stream open and break nothing", async () => {
    env.fake.enqueue(reply.text(["a", "b", "c"], { paceMs: 500 }));
    const raw = await postMessagesStream(env.url, {
      model: "gemini-2.5-flash",
      max_tokens: 100,
      messages: [{ role: "user", content: "slow" }],
    });
    expect(raw.events.some((record) => record.event === "ping")).toBe(true);
    assertMessageStreamInvariants(raw.events);
    expect(accumulateMessage(raw.events).content).toEqual([{ type: "text", text: "abc" }]);
  });

  test("a failure after the stream started: an error event in Anthropic's envelope, which the SDK throws", async () => {
    env.fake.enqueue(
      reply.midStreamError({
        afterChunks: 1,
        error: geminiErrors.internal(),
        from: reply.text(["partial ", "rest"]),
      }),
    );
    const raw = await postMessagesStream(env.url, {
      model: "gemini-2.5-flash",
      max_tokens: 100,
      messages: [{ role: "user", content: "x" }],
    });
    assertMessageStreamInvariants(raw.events, { endsWithError: true });
    expect(raw.events.at(-1)?.json).toMatchObject({ type: "error", error: { type: "api_error" } });

    env.fake.enqueue(reply.midStreamError({ afterChunks: 1, from: reply.text(["partial ", "rest"]) }));
    await expect(
      streamed({ model: "gemini-2.5-flash", max_tokens: 100, messages: [{ role: "user", content: "x" }] }),
    ).rejects.toThrow(Anthropic.APIError);
  });

  test("Gemini overloaded mid-stream (503 UNAVAILABLE inside the stream): overloaded_error, which Claude Code retries", async () => {
    env.fake.enqueue(reply.midStreamError({ afterChunks: 1, from: reply.text(["partial ", "rest"]) }));
    const raw = await postMessagesStream(env.url, {
      model: "gemini-2.5-flash",
      max_tokens: 100,
      messages: [{ role: "user", content: "x" }],
    });
    assertMessageStreamInvariants(raw.events, { endsWithError: true });
    expect(raw.events.at(-1)?.json).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });
});

describe("a tool round trip on Gemini 3 with thinking", () => {
  test("thoughts, a signed call, the result: the signature rides the thinking block and Gemini accepts the next turn", async () => {
    const model = "gemini-3-flash-preview";
    const signature = env.fake.issueThoughtSignature();
    env.fake.enqueue(
      reply.chunks([
        {
          candidates: [
            { content: { role: "model", parts: [{ text: "I need the weather.", thought: true }] }, index: 0 },
          ],
        },
        {
          candidates: [
            {
              content: {
                role: "model",
                parts: [
                  {
                    functionCall: { name: "get_weather", args: { city: "Paris" } },
                    thoughtSignature: signature,
                  },
                ],
              },
              index: 0,
            },
          ],
        },
        {
          candidates: [{ content: { role: "model", parts: [{ text: "" }] }, finishReason: "STOP", index: 0 }],
        },
      ]),
    );
    const first = await streamed({
      model,
      max_tokens: 4000,
      thinking: { type: "adaptive" },
      tools: [weatherTool],
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    expect(first.message.stop_reason).toBe("tool_use");
    expect(first.message.content).toEqual([
      { type: "thinking", thinking: "I need the weather.", signature: `gemini:${signature}` },
      {
        type: "tool_use",
        id: expect.stringMatching(/^toolu_/),
        name: "get_weather",
        input: { city: "Paris" },
      },
    ]);
    const toolUse = first.message.content[1] as Anthropic.ToolUseBlock;

    const second = await streamed({
      model,
      max_tokens: 4000,
      thinking: { type: "adaptive" },
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.message.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "21°C, sunny" }] },
      ],
    });
    // The fake's default answer after a tool result says what the function returned: the result reached it.
    expect(second.message.content.filter((block) => block.type === "text")).toEqual([
      { type: "text", text: 'Function get_weather returned {"output":"21°C, sunny"}' },
    ]);
    const sentCall = lastGeminiBody(env.fake).contents[1].parts[0];
    expect(sentCall).toEqual({
      functionCall: { name: "get_weather", args: { city: "Paris" } },
      thoughtSignature: signature,
    });
  });

  test("a client that drops thinking blocks still gets through: the gateway stored the signature by tool-use id", async () => {
    const model = "gemini-3-pro-preview";
    env.fake.enqueue(reply.functionCalls([{ name: "get_weather", args: { city: "Oslo" } }]));
    const first = await client.messages.create({
      model,
      max_tokens: 1000,
      tools: [weatherTool],
      messages: [{ role: "user", content: "Oslo?" }],
    });
    const toolUse = first.content.find((block) => block.type === "tool_use") as Anthropic.ToolUseBlock;
    const second = await client.messages.create({
      model,
      max_tokens: 1000,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Oslo?" },
        { role: "assistant", content: [toolUse] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "cold" }] },
      ],
    });
    expect(second.content).toEqual([
      { type: "text", text: 'Function get_weather returned {"output":"cold"}' },
    ]);
  });
});

describe("count_tokens", () => {
  test("counts the same input Gemini would read, through Gemini's countTokens on a pool key", async () => {
    const counted = await client.messages.countTokens({
      model: "claude-sonnet-5",
      system: "You are terse.",
      tools: [weatherTool],
      messages: [{ role: "user", content: "How many tokens is this?" }],
    });
    const sent = env.fake.requests.find((recorded) => recorded.action === "countTokens");
    expect(sent?.model).toBe("gemini-2.5-pro");
    expect(E2E_KEYS).toContain(sent?.key);
    expect(counted.input_tokens).toBeGreaterThan(0);

    env.fake.reset();
    await env.resetKeys();
    const message = await client.messages.create({
      model: "claude-sonnet-5",
      max_tokens: 100,
      system: "You are terse.",
      tools: [weatherTool],
      messages: [{ role: "user", content: "How many tokens is this?" }],
    });
    expect(message.usage.input_tokens).toBe(counted.input_tokens);
  });
});

describe("errors in Anthropic's envelope", () => {
  test("every key resting: 429 rate_limit_error with retry-after, as the SDK's RateLimitError", async () => {
    for (const key of E2E_KEYS)
      env.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 30 }),
      );
    const error = await client.messages
      .create({ model: "gemini-2.5-flash", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(Number(rateLimit.headers?.get("retry-after"))).toBeGreaterThanOrEqual(29);
    expect(rateLimit.error).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error", message: expect.stringContaining("Rate limit") },
    });

    // A stream asked for at that moment gets the same real status before any byte.
    const raw = await postMessagesStream(env.url, {
      model: "gemini-2.5-flash",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(raw.status).toBe(429);
    expect(raw.json).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });

  test("Gemini overloaded on every key: 529 overloaded_error", async () => {
    for (const key of E2E_KEYS) env.fake.setKeyBehavior(key, geminiErrors.unavailable());
    const answer = await request(`${env.url}/v1/messages`, {
      body: { model: "gemini-2.5-flash", max_tokens: 50, messages: [{ role: "user", content: "hi" }] },
    });
    expect(answer.status).toBe(529);
    expect(answer.json).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: expect.any(String) },
    });
  });

  test("a context overflow reads 'prompt is too long: N tokens > M maximum'", async () => {
    env.fake.enqueue(geminiErrors.contextOverflow(1_200_000));
    const error = await client.messages
      .create({ model: "gemini-2.5-flash", max_tokens: 50, messages: [{ role: "user", content: "huge" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "prompt is too long: 1200000 tokens > 1048576 maximum",
      },
    });
  });

  test.each([
    ["no token", {}, 401, "authentication_error"],
    ["a wrong x-api-key", { "x-api-key": "wrong" }, 401, "authentication_error"],
  ])("%s: %i %s", async (_name, headers, status, type) => {
    const answer = await request(`${env.url}/v1/messages`, {
      token: null,
      headers,
      body: { model: "gemini-2.5-flash", max_tokens: 50, messages: [{ role: "user", content: "hi" }] },
    });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ type: "error", error: { type, message: expect.any(String) } });
  });

  test.each([
    ["a body that is not JSON", "{not json", "invalid_request_error", 400],
    [
      "a block of an unknown type",
      { model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "txt" }] }] },
      "invalid_request_error",
      400,
    ],
    [
      "an unknown model",
      { model: "gemini-9-nonexistent", max_tokens: 5, messages: [{ role: "user", content: "x" }] },
      "not_found_error",
      404,
    ],
  ])("%s: %s", async (_name, body, type, status) => {
    const answer = await request(`${env.url}/v1/messages`, {
      body,
      headers: { "content-type": "application/json" },
    });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ type: "error", error: { type, message: expect.any(String) } });
  });

  test("count_tokens errors use the same envelope", async () => {
    const answer = await request(`${env.url}/v1/messages/count_tokens`, {
      body: { model: "gemini-2.5-flash" },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "'messages' is required." },
    });
  });
});
