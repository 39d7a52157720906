/**
 * The replay cases R01–R20 (requests recorded from Cline, Roo Code and the AI SDK; see
 * test/unit/translate/fixtures/client-requests.ts), each POSTed over HTTP to the BUILT
 * gateway with the headers of the client that sends it, every successful stream held to the stream invariants.
 */
import { geminiErrors, reply } from "../fake-gemini/index.js";
import {
  E2E_KEYS,
  type E2eEnvironment,
  generateRequests,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import {
  assembleToolCalls,
  contentOf,
  deltasOf,
  expectChatStreamInvariants,
  finishReasonOf,
  postChat,
  postChatStream,
  reasoningOf,
  toolCallDeltasOf,
  usageOf,
} from "../support/openai-chat-stream.js";
import {
  mcpSearchParameters,
  pngBase64,
  r01,
  r02,
  r03,
  r04,
  r05,
  r07,
  r09,
  r11,
  r12,
  r13,
  r14,
  r20,
} from "../unit/translate/fixtures/client-requests.js";
import { clientHeaders } from "./support/client-headers.js";

const PLACEHOLDER_SIGNATURE = "skip_thought_signature_validator";

/** A body without its streaming fields (Roo with streaming turned off). */
function withoutStreaming<T extends Record<string, unknown>>(body: T) {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  return rest;
}

/** The first functionCall part of each model content of a Gemini request. */
function firstCallsOf(body: Record<string, any>) {
  return (body.contents as Array<Record<string, any>>)
    .filter((content) => content.role === "model")
    .map((content) => content.parts.find((part: any) => part.functionCall !== undefined))
    .filter(Boolean);
}

describe("replay cases R01–R20 against the built gateway", () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.stop();
  });
  afterEach(async () => {
    await env.reset();
  });

  test("R01 (Cline 3, plain text): non-empty content deltas and finish_reason stop", async () => {
    env.fake.enqueue(reply.text(["Hi", " there", "!"]));
    const result = await postChatStream(env.url, r01, clientHeaders.cline3);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    const contents = deltasOf(chunks).flatMap((delta) =>
      delta.content === undefined ? [] : [delta.content],
    );
    expect(contents.join("")).toBe("Hi there!");
    expect(contents.every((content) => content !== "")).toBe(true);
    expect(finishReasonOf(chunks)).toBe("stop");
  });

  test("R02 (Cline 3, native tool): one whole call with index 0, a call_ id, the name and its arguments", async () => {
    env.fake.enqueue(reply.functionCalls([{ name: "read_file", args: { path: "package.json" } }]));
    const result = await postChatStream(env.url, r02, clientHeaders.cline3);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
    const deltas = toolCallDeltasOf(chunks);
    expect(deltas.length).toBeGreaterThan(0);
    const first = deltas[0]!.toolCall;
    expect(first).toMatchObject({ index: 0, type: "function", function: { name: "read_file" } });
    expect(first.id).toMatch(/^call_.+/);
    // Cline 3 passes a call on only when id, name and non-empty arguments are known (first two deltas).
    const firstTwo = deltas.slice(0, 2).map((delta) => delta.toolCall);
    expect(firstTwo.some((toolCall) => (toolCall.function?.arguments ?? "") !== "")).toBe(true);
    const [call] = assembleToolCalls(chunks);
    expect(JSON.parse(call!.arguments)).toEqual({ path: "package.json" });
    expect(finishReasonOf(chunks)).toBe("tool_calls");
    // strict and additionalProperties reached Gemini in a form it accepts (the fake is strict about both).
    const declaration = lastGeminiBody(env.fake).tools[0].functionDeclarations[0];
    expect(declaration.name).toBe("read_file");
  });

  test("R03 (Roo, strict schemas, parallel): two calls on index 0 and 1, different ids, one JSON object each", async () => {
    env.fake.enqueue(
      reply.functionCalls([
        { name: "read_file", args: { path: "a.ts", mode: "slice" } },
        { name: "read_file", args: { path: "b.ts", mode: "slice" } },
      ]),
    );
    const result = await postChatStream(env.url, r03, clientHeaders.roo);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
    const calls = assembleToolCalls(chunks);
    expect(calls).toHaveLength(2);
    expect(toolCallDeltasOf(chunks).map((delta) => delta.toolCall.index)).toEqual([0, 1]);
    expect(calls[0]!.id).not.toBe(calls[1]!.id);
    expect(calls.map((call) => JSON.parse(call.arguments))).toEqual([
      { path: "a.ts", mode: "slice" },
      { path: "b.ts", mode: "slice" },
    ]);
    for (const call of calls) expect(call.arguments).not.toContain("}{");
    expect(finishReasonOf(chunks)).toBe("tool_calls");
  });

  test("R04 (Roo, tool results, empty assistant content): both results in one turn, in call order", async () => {
    const result = await postChatStream(env.url, r04, clientHeaders.roo);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
    expect(contentOf(chunks) !== "" || assembleToolCalls(chunks).length > 0).toBe(true);
    const contents = lastGeminiBody(env.fake).contents as Array<Record<string, any>>;
    const results = contents
      .filter((content) => content.parts.some((part: any) => part.functionResponse))
      .map((content) => content.parts.filter((part: any) => part.functionResponse));
    expect(results).toHaveLength(1);
    expect(results[0]!.map((part: any) => part.functionResponse.name)).toEqual(["read_file", "read_file"]);
    expect(results[0]![0].functionResponse.response).toEqual({ output: "1 | export const a = 1" });
    expect(typeof results[0]![1].functionResponse.response).toBe("object");
  });

  test("R05 (Gemini 3 history without signatures): 200, with the documented placeholder on the first call", async () => {
    const result = await postChatStream(env.url, r05, clientHeaders.roo);
    expectChatStreamInvariants(result, { model: "gemini-3-pro-preview" });
    const [firstCall] = firstCallsOf(lastGeminiBody(env.fake));
    expect(firstCall.thoughtSignature).toBe(PLACEHOLDER_SIGNATURE);
  });

  test("R06 (AI SDK, signature round trip): the captured signature comes back and Gemini 3 accepts it", async () => {
    const step1Body = {
      model: "gemini-3-pro-preview",
      reasoning_effort: "high",
      messages: r02.messages,
      tools: r02.tools,
      tool_choice: "auto",
      stream: true,
      stream_options: { include_usage: true },
    };
    env.fake.enqueue(
      reply.functionCalls([{ name: "read_file", args: { path: "package.json" } }], {
        text: undefined,
      }),
    );
    const step1 = await postChatStream(env.url, step1Body, clientHeaders.aiSdk);
    const step1Chunks = expectChatStreamInvariants(step1, { model: "gemini-3-pro-preview" });
    const firstDelta = toolCallDeltasOf(step1Chunks)[0]!.toolCall;
    const signature = firstDelta.extra_content?.google?.thought_signature;
    expect(typeof signature).toBe("string");
    expect(signature).not.toBe("");
    const [call] = assembleToolCalls(step1Chunks);

    const step2Body = {
      ...step1Body,
      messages: [
        ...r02.messages,
        {
          role: "assistant",
          content: null,
          reasoning_content: reasoningOf(step1Chunks),
          tool_calls: [
            {
              id: call!.id,
              type: "function",
              function: { name: "read_file", arguments: call!.arguments },
              extra_content: { google: { thought_signature: signature } },
            },
          ],
        },
        { role: "tool", tool_call_id: call!.id, content: '{"name":"demo"}' },
      ],
    };
    const step2 = await postChatStream(env.url, step2Body, clientHeaders.aiSdk);
    expectChatStreamInvariants(step2, { model: "gemini-3-pro-preview" });
    const [replayedCall] = firstCallsOf(lastGeminiBody(env.fake));
    expect(replayedCall.thoughtSignature).toBe(signature);
  });

  test("R07 (reasoning display): reasoning_content before any content, reasoning tokens inside completion", async () => {
    env.fake.enqueue(
      reply.text("Yes: 2^61-1 is a Mersenne prime.", {
        thoughts: "**Checking Mersenne primes**\n\n61 is prime and M61 is a known Mersenne prime.",
      }),
    );
    const result = await postChatStream(env.url, r07, clientHeaders.roo);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
    const deltas = deltasOf(chunks);
    const firstContent = deltas.findIndex((delta) => delta.content !== undefined);
    const lastReasoning = deltas.findLastIndex((delta) => delta.reasoning_content !== undefined);
    expect(lastReasoning).toBeGreaterThanOrEqual(0);
    expect(lastReasoning).toBeLessThan(firstContent);
    expect(reasoningOf(chunks)).toBe(
      "**Checking Mersenne primes**\n\n61 is prime and M61 is a known Mersenne prime.",
    );
    expect(contentOf(chunks)).toBe("Yes: 2^61-1 is a Mersenne prime.");
    expect(contentOf(chunks)).not.toMatch(/<\/?thought>/);
    expect(deltas.some((delta) => "reasoning" in delta)).toBe(false);
    const usage = usageOf(chunks);
    expect(usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(usage.completion_tokens_details.reasoning_tokens);
  });

  test.each(["none", "minimal", "low", "xhigh"])(
    "R08 (effort %s on gemini-2.5-pro): 200, never an enum or budget refusal",
    async (effort) => {
      const result = await postChatStream(env.url, { ...r07, reasoning_effort: effort }, clientHeaders.roo);
      const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
      expect(contentOf(chunks)).not.toBe("");
      // 2.5 Pro cannot stop thinking; "none" still means: show me no reasoning.
      if (effort === "none") expect(reasoningOf(chunks)).toBe("");
      else expect(reasoningOf(chunks)).not.toBe("");
    },
  );

  test("R08 (effort none where thinking can be turned off): no reasoning_content and a budget of 0", async () => {
    const body = { ...r07, model: "gemini-2.5-flash", reasoning_effort: "none" };
    const result = await postChatStream(env.url, body, clientHeaders.roo);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    expect(reasoningOf(chunks)).toBe("");
    expect(usageOf(chunks).completion_tokens_details.reasoning_tokens).toBe(0);
    expect(lastGeminiBody(env.fake).generationConfig.thinkingConfig).toEqual({ thinkingBudget: 0 });
  });

  test.each([
    ["both limits", r09],
    ["max_tokens only", { ...r09, max_completion_tokens: undefined }],
    ["max_completion_tokens only", { ...r09, max_tokens: undefined }],
  ])("R09 (output limit, %s): finish_reason length, with usage", async (_name, body) => {
    env.fake.enqueue(reply.text("Rivers carve valleys, carry silt and", { finishReason: "MAX_TOKENS" }));
    const result = await postChatStream(env.url, body, clientHeaders.roo);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-flash" });
    expect(finishReasonOf(chunks)).toBe("length");
    expect(contentOf(chunks)).toBe("Rivers carve valleys, carry silt and");
    expect(usageOf(chunks).total_tokens).toBeGreaterThan(0);
    expect(lastGeminiBody(env.fake).generationConfig.maxOutputTokens).toBe(64);
  });

  test("R10 (Roo, non-stream with tools): a chat.completion with typed tool calls and finish tool_calls", async () => {
    env.fake.enqueue(
      reply.functionCalls([
        { name: "read_file", args: { path: "a.ts" } },
        { name: "read_file", args: { path: "b.ts" } },
      ]),
    );
    const response = await postChat(
      env.url,
      { ...withoutStreaming(r02), parallel_tool_calls: true },
      clientHeaders.roo,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const completion = response.json;
    expect(completion.object).toBe("chat.completion");
    const [choice] = completion.choices;
    expect(choice.message.role).toBe("assistant");
    expect(choice.message.content === null || typeof choice.message.content === "string").toBe(true);
    expect(choice.message.tool_calls).toHaveLength(2);
    for (const toolCall of choice.message.tool_calls) {
      expect(toolCall.type).toBe("function");
      expect(toolCall.id).toMatch(/^call_/);
      expect(typeof toolCall.function.name).toBe("string");
      expect(typeof toolCall.function.arguments).toBe("string");
    }
    expect(choice.message.tool_calls.map((toolCall: any) => JSON.parse(toolCall.function.arguments))).toEqual(
      [{ path: "a.ts" }, { path: "b.ts" }],
    );
    expect(choice.finish_reason).toBe("tool_calls");
    const { prompt_tokens, completion_tokens, total_tokens } = completion.usage;
    expect([prompt_tokens, completion_tokens, total_tokens].every(Number.isInteger)).toBe(true);
    expect(prompt_tokens + completion_tokens).toBe(total_tokens);
  });

  test("R11 (Roo completePrompt): non-stream JSON with the model's text and finish stop", async () => {
    const response = await postChat(env.url, r11, clientHeaders.roo);
    expect(response.status).toBe(200);
    const completion = response.json;
    expect(completion.choices[0].message.content).toBe("Echo: Improve this prompt: fix bug");
    expect(completion.choices[0].finish_reason).toBe("stop");
  });

  test("R12 (images, tool → user(image)): 200, both images reach Gemini inline, after the tool result", async () => {
    const result = await postChatStream(env.url, r12, clientHeaders.cline3);
    expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
    const contents = lastGeminiBody(env.fake).contents as Array<Record<string, any>>;
    const inline = contents.flatMap((content) =>
      content.parts.filter((part: any) => part.inlineData).map((part: any) => part.inlineData),
    );
    expect(inline).toEqual([
      { mimeType: "image/png", data: pngBase64 },
      { mimeType: "image/png", data: pngBase64 },
    ]);
    const last = contents.at(-1)!;
    expect(last.role).toBe("user");
    expect(Object.keys(last.parts[0])).toContain("functionResponse");
    expect(Object.keys(last.parts.at(-1))).toContain("inlineData");
  });

  test("R13 (Roo, cache_control markers): 200; cached_tokens equals cache_read_input_tokens, within prompt_tokens", async () => {
    const longSystemPrompt = "You are Roo, a highly skilled software engineer. ".repeat(400);
    const body = {
      ...r13,
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: longSystemPrompt, cache_control: { type: "ephemeral" } }],
        },
        r13.messages[1],
      ],
    };
    const first = await postChatStream(env.url, body, clientHeaders.roo);
    expectChatStreamInvariants(first, { model: "gemini-2.5-pro" });
    env.fake.enqueue(reply.text("Hello again.", { usage: { cachedContentTokenCount: 4096 } }));
    const second = await postChatStream(env.url, body, clientHeaders.roo);
    const usage = usageOf(expectChatStreamInvariants(second, { model: "gemini-2.5-pro" }));
    expect(usage.prompt_tokens_details.cached_tokens).toBe(4096);
    expect(usage.cache_read_input_tokens).toBe(4096);
    expect(usage.cache_read_input_tokens).toBeLessThanOrEqual(usage.prompt_tokens);
    expect(lastGeminiBody(env.fake).systemInstruction.parts[0].text).toBe(longSystemPrompt);
  });

  test("R14 (developer role, no temperature): the developer message becomes the system instruction", async () => {
    const result = await postChatStream(env.url, r14, clientHeaders.roo);
    expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
    const body = lastGeminiBody(env.fake);
    expect(body.systemInstruction.parts.map((part: any) => part.text).join("\n")).toContain("Be terse.");
    expect(body.contents).toHaveLength(1);
    expect(body.generationConfig?.temperature).toBeUndefined();
  });

  test("R15 (wrong token): 401 authentication_error as an object, no SSE, no upstream call", async () => {
    const response = await postChat(env.url, r01, clientHeaders.cline3, "wrong");
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = response.json;
    expect(Array.isArray(body)).toBe(false);
    expect(body.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    expect(body.error.message).not.toBe("");
    expect(response.text).not.toContain("data:");
    expect(generateRequests(env.fake)).toHaveLength(0);
  });

  test("R16 (rate limit before the stream): 429 with retry-after and retry-after-ms, before any SSE byte", async () => {
    for (const key of E2E_KEYS) {
      env.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 7 }),
      );
    }
    const response = await postChat(env.url, r01, clientHeaders.cline3);
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.text).not.toContain("data:");
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const retryAfterMs = Number(response.headers.get("retry-after-ms"));
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(response.headers.get("x-should-retry")).not.toBe("false");
    const body = response.json;
    expect(body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    expect(body.error.message).toMatch(/rate limit/i);
    // Every key was tried once before the client heard of it.
    expect(Object.keys(env.fake.counts({ model: "gemini-2.5-flash" })).sort()).toEqual([...E2E_KEYS].sort());
  });

  test("R16 (daily quota spent on every key): 429 with x-should-retry false, before any SSE byte", async () => {
    for (const key of E2E_KEYS) {
      env.fake.setKeyBehavior(key, geminiErrors.quotaPerDay({ model: "gemini-2.5-flash" }));
    }
    const response = await postChat(env.url, r01, clientHeaders.cline3);
    expect(response.status).toBe(429);
    expect(response.text).not.toContain("data:");
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = response.json;
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toMatch(/quota/i);
  });

  test("R18 (model list): /v1/models and /v1//models give the same list, every page, ids without models/", async () => {
    const headers = { authorization: "Bearer test", ...clientHeaders.roo };
    const [single, doubled] = await Promise.all(
      ["/v1/models", "/v1//models"].map(async (path) => {
        const response = await fetch(`${env.url}${path}`, { headers });
        return { status: response.status, body: (await response.json()) as Record<string, any> };
      }),
    );
    expect(single!.status).toBe(200);
    expect(doubled).toEqual(single);
    expect(single!.body.object).toBe("list");
    const ids = single!.body.data.map((model: any) => model.id);
    // The fake pages by 3: these sit on the first, second and third pages.
    expect(ids).toEqual(
      expect.arrayContaining(["gemini-2.5-pro", "gemini-3-pro-preview", "text-embedding-004"]),
    );
    for (const model of single!.body.data) {
      expect(model).toEqual({
        id: expect.not.stringMatching(/^models\//),
        object: "model",
        created: expect.any(Number),
        owned_by: "google",
      });
    }
  });

  test("R19 (mid-stream drop): the text deltas, then an error event, then the end; no [DONE], no fake stop", async () => {
    // Gemini 2.5 Flash thinks: its thought summary is the first chunk, then two text chunks, then the drop.
    env.fake.enqueue(reply.drop(3, reply.text(["Rivers ", "run ", "to the sea."], { thoughts: "Rivers." })));
    const result = await postChatStream(env.url, r01, clientHeaders.cline3);
    expect(result.status).toBe(200);
    expect(result.text).not.toMatch(/^event:/m);
    expect(result.done).toBe(false);
    const last = result.payloads.at(-1)!;
    expect(last.error).toMatchObject({ type: "server_error", code: "upstream_error" });
    expect(last.error.message).toMatch(/^Upstream stream interrupted/);
    const chunks = result.payloads.slice(0, -1) as any[];
    expect(reasoningOf(chunks)).toBe("Rivers.");
    expect(contentOf(chunks)).toBe("Rivers run ");
    expect(chunks.some((chunk) => chunk.choices?.some((choice: any) => choice.finish_reason))).toBe(false);
  });

  test("R20 (raw MCP schema, a tool without arguments): 200, ping's arguments are {}, distinct indexes", async () => {
    env.fake.enqueue(
      reply.functionCalls([{ name: "ping" }, { name: "mcp--srv--search", args: { q: "x", limit: 5 } }]),
    );
    const result = await postChatStream(env.url, r20, clientHeaders.roo);
    const chunks = expectChatStreamInvariants(result, { model: "gemini-2.5-pro" });
    const calls = assembleToolCalls(chunks);
    expect(calls.map((call) => call.name)).toEqual(["ping", "mcp--srv--search"]);
    expect(calls[0]!.arguments).toBe("{}");
    expect(JSON.parse(calls[1]!.arguments)).toEqual({ q: "x", limit: 5 });
    expect(new Set(toolCallDeltasOf(chunks).map((delta) => delta.toolCall.index)).size).toBe(2);
    // The MCP schema reached Gemini with its meaning intact (JSON Schema, or its cleaned form).
    const declarations = lastGeminiBody(env.fake).tools[0].functionDeclarations as Array<Record<string, any>>;
    const search = declarations.find((declaration) => declaration.name === "mcp--srv--search")!;
    const schema = search.parametersJsonSchema ?? search.parameters;
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      Object.keys(mcpSearchParameters.properties).sort(),
    );
  });
});

describe("replay case R17 (context overflow) against the built gateway", () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    // The real window is 1,048,576 tokens; a smaller one lets the test send kilobytes, not megabytes.
    env = await startEnvironment({
      fake: { modelOverrides: { "gemini-2.5-flash": { inputTokenLimit: 4096 } } },
    });
  });
  afterAll(async () => {
    await env?.stop();
  });

  test("R17: 400 context_length_exceeded naming the maximum context length, tried on one key only", async () => {
    const body = {
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "word ".repeat(4000) }],
      stream: true,
    };
    const response = await postChat(env.url, body, clientHeaders.cline3);
    expect(response.status).toBe(400);
    expect(response.text).not.toContain("data:");
    const { error } = response.json;
    expect(error).toMatchObject({ type: "invalid_request_error", code: "context_length_exceeded" });
    expect(error.message).toMatch(
      /^This model's maximum context length is 4096 tokens\. However, your messages resulted in \d+ tokens/,
    );
    // The client's own mistake: never charged to a key, never retried on another.
    expect(generateRequests(env.fake)).toHaveLength(1);
  });
});
