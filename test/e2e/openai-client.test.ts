/**
 * The official `openai` npm client (the one inside Cline 3 and Roo Code) against the BUILT gateway:
 * what its users see, streaming and not, including its typed errors.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { geminiErrors, reply, startFakeGemini } from "../fake-gemini/index.js";
import { startBuiltServer } from "../support/built-server.js";
import {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  generateRequests,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import {
  assertChatChunkInvariants,
  type ChunkJson,
  chatStreamOf,
  expectChatStreamInvariants,
} from "../support/openai-chat-stream.js";
import { postSse } from "../support/sse.js";
import { pngBase64, pngDataUrl } from "../unit/translate/fixtures/client-requests.js";
import {
  agentTools,
  firstFunctionCallsOf,
  listFilesTool,
  PLACEHOLDER_SIGNATURE,
  REASONING_EFFORTS,
  scriptAgentLoop,
  THINKING_MODELS,
} from "./support/conversation.js";

let env: E2eEnvironment;
let client: OpenAI;

beforeAll(async () => {
  env = await startEnvironment();
  client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
});
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  await env.reset();
});

/**
 * Reads a streamed completion the way a user of the client does, keeping every chunk, and holds the
 * chunks to the stream invariants (one finish, usage once and last, index and id on every tool call…).
 */
async function collect(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
  model: string,
  includeUsage = true,
) {
  const chunks: ChunkJson[] = [];
  for await (const chunk of stream) chunks.push(chunk as unknown as ChunkJson);
  assertChatChunkInvariants(chunks, { id: chunks[0]?.id ?? "", model, includeUsage });
  const deltas = chunks.flatMap((chunk) =>
    chunk.choices.map((choice) => choice.delta as Record<string, any>),
  );
  return {
    chunks,
    content: deltas.map((delta) => delta.content ?? "").join(""),
    reasoning: deltas.map((delta) => delta.reasoning_content ?? "").join(""),
    finishReasons: chunks
      .flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
      .filter(Boolean),
    usageChunks: chunks.filter((chunk) => chunk.usage != null),
  };
}

describe("the openai client: answers", () => {
  test("non-streaming: the exact text the fake produced, with usage and reasoning_content", async () => {
    env.fake.enqueue(
      reply.text("Hello there, exactly.", {
        thoughts: "The user greets me.",
        usage: { promptTokenCount: 11, candidatesTokenCount: 3, thoughtsTokenCount: 5 },
      }),
    );
    const completion = await client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hello" },
      ],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe("gemini-2.5-flash");
    expect(completion.choices[0]!.message.content).toBe("Hello there, exactly.");
    expect((completion.choices[0]!.message as any).reasoning_content).toBe("The user greets me.");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({
      prompt_tokens: 11,
      completion_tokens: 8,
      total_tokens: 19,
      completion_tokens_details: { reasoning_tokens: 5 },
    });
  });

  test("streaming: the exact text, one usage chunk last with choices [], one finish_reason", async () => {
    env.fake.enqueue(
      reply.text(["Rivers ", "run to ", "the sea."], {
        usage: { promptTokenCount: 20, candidatesTokenCount: 6, thoughtsTokenCount: 0 },
      }),
    );
    const stream = await client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "Where do rivers go?" }],
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: "none",
    });
    const result = await collect(stream, "gemini-2.5-flash");
    expect(result.content).toBe("Rivers run to the sea.");
    expect(result.finishReasons).toEqual(["stop"]);
    expect(result.usageChunks).toHaveLength(1);
    expect(result.chunks.at(-1)!.choices).toEqual([]);
    expect(result.chunks.at(-1)!.usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 6,
      total_tokens: 26,
    });
  });

  test("streaming reasoning: reasoning_content deltas first, then content, never <thought> tags", async () => {
    env.fake.enqueue(reply.text("42.", { thoughts: "**Computing**\n\n6 times 7 is 42." }));
    const stream = await client.chat.completions.create({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "6*7?" }],
      reasoning_effort: "high",
      stream: true,
      stream_options: { include_usage: true },
    });
    const result = await collect(stream, "gemini-2.5-pro");
    expect(result.reasoning).toBe("**Computing**\n\n6 times 7 is 42.");
    expect(result.content).toBe("42.");
    const deltas = result.chunks.flatMap((chunk) =>
      chunk.choices.map((choice) => choice.delta as Record<string, any>),
    );
    expect(deltas.findLastIndex((delta) => delta.reasoning_content)).toBeLessThan(
      deltas.findIndex((delta) => delta.content),
    );
    expect(result.usageChunks[0]!.usage!.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  test("streaming parallel tool calls through the client's stream helper: index 0 and 1, ids, JSON arguments", async () => {
    env.fake.enqueue(
      reply.functionCalls([
        { name: "read_file", args: { path: "a.ts", mode: "slice" } },
        { name: "read_file", args: { path: "b.ts", mode: "slice" } },
      ]),
    );
    const chunks: ChunkJson[] = [];
    const stream = client.chat.completions.stream({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "Read a.ts and b.ts" }],
      tools: [agentTools[0]!],
      parallel_tool_calls: true,
      stream_options: { include_usage: true },
    });
    stream.on("chunk", (chunk) => chunks.push(chunk as unknown as ChunkJson));
    const completion = await stream.finalChatCompletion();
    const indexes = chunks.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => (choice.delta.tool_calls ?? []).map((toolCall) => toolCall.index)),
    );
    expect(indexes).toEqual([0, 1]);
    const message = completion.choices[0]!.message;
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
    expect(message.tool_calls).toHaveLength(2);
    const toolCalls = message.tool_calls as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    expect(new Set(toolCalls.map((toolCall) => toolCall.id)).size).toBe(2);
    for (const toolCall of toolCalls) {
      expect(toolCall.id).toMatch(/^call_/);
      expect(toolCall.type).toBe("function");
      expect(toolCall.function.name).toBe("read_file");
    }
    expect(toolCalls.map((toolCall) => JSON.parse(toolCall.function.arguments))).toEqual([
      { path: "a.ts", mode: "slice" },
      { path: "b.ts", mode: "slice" },
    ]);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  test("non-streaming tool calls: Roo's strict and raw MCP schemas accepted, a call without arguments is {}", async () => {
    env.fake.enqueue(
      reply.functionCalls([{ name: "ping" }, { name: "mcp--srv--search", args: { q: "x", limit: 5 } }]),
    );
    const completion = await client.chat.completions.create({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "Call ping, then search for 'x' with limit 5." }],
      tools: agentTools,
      tool_choice: "auto",
    });
    const toolCalls = completion.choices[0]!.message
      .tool_calls as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    expect(toolCalls.map((toolCall) => toolCall.function.name)).toEqual(["ping", "mcp--srv--search"]);
    expect(toolCalls[0]!.function.arguments).toBe("{}");
    expect(JSON.parse(toolCalls[1]!.function.arguments)).toEqual({ q: "x", limit: 5 });
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("a tool name Gemini refuses travels under a safe name and comes back as the client's name", async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionFunctionTool[] = [
      {
        type: "function",
        function: { name: "search files!", parameters: { type: "object", properties: {} } },
      },
      {
        type: "function",
        function: { name: "7zip/extract", parameters: { type: "object", properties: {} } },
      },
    ];
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "Search, then extract." }];
    // Learn the names the gateway declares to Gemini, then let "Gemini" call them by those names.
    await client.chat.completions.create({ model: "gemini-2.5-flash", messages, tools });
    const declared = (lastGeminiBody(env.fake).tools[0].functionDeclarations as Array<{ name: string }>).map(
      (declaration) => declaration.name,
    );
    expect(declared.every((name) => /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/.test(name))).toBe(true);
    env.fake.enqueue(reply.functionCalls(declared.map((name) => ({ name }))));
    const completion = await client.chat.completions.create({ model: "gemini-2.5-flash", messages, tools });
    const toolCalls = completion.choices[0]!.message
      .tool_calls as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    expect(toolCalls.map((toolCall) => toolCall.function.name)).toEqual(["search files!", "7zip/extract"]);

    // The history that comes back names the tools as the client knows them; Gemini sees the safe names.
    await client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [
        ...messages,
        completion.choices[0]!.message as ChatCompletionMessageParam,
        ...toolCalls.map((toolCall) => ({
          role: "tool" as const,
          tool_call_id: toolCall.id,
          content: "done",
        })),
      ],
      tools,
    });
    const contents = lastGeminiBody(env.fake).contents as Array<Record<string, any>>;
    expect(contents[1]!.parts.map((part: any) => part.functionCall.name)).toEqual(declared);
    expect(contents[2]!.parts.map((part: any) => part.functionResponse.name)).toEqual(declared);
  });

  test("images: a data URL reaches Gemini as inlineData", async () => {
    env.fake.enqueue(reply.text("A single pixel."));
    const completion = await client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in the image?" },
            { type: "image_url", image_url: { url: pngDataUrl } },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe("A single pixel.");
    expect(lastGeminiBody(env.fake).contents[0].parts[1]).toEqual({
      inlineData: { mimeType: "image/png", data: pngBase64 },
    });
  });

  test("JSON schema output: the schema reaches Gemini and the JSON text comes back whole", async () => {
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, population: { type: "integer" } },
      required: ["city", "population"],
      additionalProperties: false,
    };
    env.fake.enqueue(reply.text(['{"city":"Paris",', '"population":2102650}']));
    const stream = await client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "The capital of France, as JSON" }],
      response_format: { type: "json_schema", json_schema: { name: "city", schema, strict: true } },
      stream: true,
    });
    const result = await collect(stream, "gemini-2.5-flash", false);
    expect(JSON.parse(result.content)).toEqual({ city: "Paris", population: 2102650 });
    const config = lastGeminiBody(env.fake).generationConfig;
    expect(config.responseMimeType).toBe("application/json");
    expect(config.responseJsonSchema ?? config.responseSchema).toBeDefined();
  });

  test("a Gemini 3 text stream: the empty signed part that closes it produces no empty delta", async () => {
    env.fake.enqueue(reply.text(["Three ", "r's."]));
    const stream = await client.chat.completions.create({
      model: "gemini-3-flash-preview",
      messages: [{ role: "user", content: "How many r's in strawberry?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const result = await collect(stream, "gemini-3-flash-preview");
    expect(result.content).toBe("Three r's.");
    const deltas = result.chunks.flatMap((chunk) =>
      chunk.choices.map((choice) => choice.delta as Record<string, any>),
    );
    for (const delta of deltas) {
      if ("content" in delta) expect(delta.content).not.toBe("");
      if ("reasoning_content" in delta) expect(delta.reasoning_content).not.toBe("");
    }
    // The fake did close with the signed empty part (as Gemini 3 does): nothing was lost on the way.
    expect(result.finishReasons).toEqual(["stop"]);
  });

  describe.each(THINKING_MODELS)("every reasoning_effort on %s", (model) => {
    test.each([...REASONING_EFFORTS, "max"] as const)(
      "%s: 200, reasoning shown unless none",
      async (effort) => {
        const stream = await client.chat.completions.create({
          model,
          messages: [{ role: "user", content: "Is 97 prime?" }],
          reasoning_effort: effort,
          stream: true,
          stream_options: { include_usage: true },
        });
        const result = await collect(stream, model);
        expect(result.content).not.toBe("");
        expect(result.finishReasons).toEqual(["stop"]);
        if (effort === "none") expect(result.reasoning).toBe("");
        else expect(result.reasoning).not.toBe("");
      },
    );
  });

  test("fields clients add (cache_control, user, metadata, store, verbosity, reasoning_content…) are accepted, never forwarded", async () => {
    const completion = await client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } } as never],
        },
        { role: "user", content: "Read a.ts" },
        {
          role: "assistant",
          content: null,
          reasoning_content: "I should read it.",
          reasoning_details: [{ type: "reasoning.text", text: "I should read it." }],
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } },
          ],
        } as ChatCompletionMessageParam,
        { role: "tool", tool_call_id: "call_1", content: "export const a = 1;" },
      ],
      tools: [agentTools[0]!],
      user: "user-1234",
      metadata: { session: "s1" },
      store: false,
      verbosity: "low",
      parallel_tool_calls: false,
      ...({ thinking: { type: "adaptive" }, reasoning: { enabled: true } } as object),
    });
    expect(completion.choices[0]!.message.content).toMatch(/^Function read_file returned/);
    const raw = generateRequests(env.fake).at(-1)!.rawBody;
    for (const field of [
      "cache_control",
      "metadata",
      "store",
      "verbosity",
      "reasoning_content",
      "reasoning_details",
      "user-1234",
      "adaptive",
    ]) {
      expect(raw).not.toContain(field);
    }
  });

  test("an unknown model: NotFoundError (404) with Gemini's message, tried on one key only", async () => {
    const error = await client.chat.completions
      .create({ model: "gemini-9-ultra", messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toMatch(/^404 models\/gemini-9-ultra is not found/);
    expect(generateRequests(env.fake)).toHaveLength(1);
  });

  test("twenty concurrent streams: each gets its own answer, whole", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const stream = await client.chat.completions.create({
          model: "gemini-2.0-flash",
          messages: [{ role: "user", content: `Question number ${index}` }],
          stream: true,
          stream_options: { include_usage: true },
        });
        return (await collect(stream, "gemini-2.0-flash")).content;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, (_, index) => `Echo: Question number ${index}`));
  });

  test("models.list() pages through every upstream page (the fake pages by 3) and models.retrieve() finds one", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    // gemini-2.5-pro is on the fake's first page, gemini-2.0-flash on its second, text-embedding-004 on its third.
    expect(ids).toEqual(expect.arrayContaining(["gemini-2.5-pro", "gemini-2.0-flash", "text-embedding-004"]));
    expect(ids).toHaveLength(8);
    expect(ids.every((id) => !id.startsWith("models/"))).toBe(true);
    const model = await client.models.retrieve("gemini-3-pro-preview");
    expect(model).toMatchObject({ id: "gemini-3-pro-preview", object: "model", owned_by: "google" });
  });
});

describe("the openai client: errors it can act on", () => {
  test("every key resting: RateLimitError (429) with retry-after headers, before any stream starts", async () => {
    for (const key of E2E_KEYS) {
      env.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 9 }),
      );
    }
    const request = client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const error = await request.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.type).toBe("rate_limit_error");
    expect(rateLimit.message).toMatch(/^429 .*rate limited/i);
    const retryAfter = Number(rateLimit.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(Number(rateLimit.headers.get("retry-after-ms"))).toBeGreaterThan(0);
  });

  test("a wrong API key: AuthenticationError (401) with the gateway's message", async () => {
    const stranger = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: "wrong", maxRetries: 0 });
    const error = await stranger.chat.completions
      .create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(
      /^401 Incorrect API key provided/,
    );
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("invalid_api_key");
  });

  test("a malformed request: BadRequestError (400) naming the field", async () => {
    const error = await client.chat.completions
      .create({ model: "gemini-2.5-flash", messages: [{ role: "wizard", content: "hi" } as never] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/^400 .*messages\[0\]\.role/);
    expect((error as InstanceType<typeof OpenAI.APIError>).param).toBe("messages[0].role");
    expect(generateRequests(env.fake)).toHaveLength(0);
  });

  test("Gemini refusing the request: BadRequestError (400) with Gemini's message, tried on one key only", async () => {
    for (const key of E2E_KEYS) {
      env.fake.setKeyBehavior(key, geminiErrors.invalidArgument("Request contains an invalid argument."));
    }
    const error = await client.chat.completions
      .create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toBe(
      "400 Request contains an invalid argument.",
    );
    expect(generateRequests(env.fake)).toHaveLength(1);
  });

  test("an upstream failure after the stream started: the text, then an APIError thrown from the stream", async () => {
    env.fake.enqueue(
      reply.midStreamError({ afterChunks: 2, from: reply.text(["Partial ", "answer ", "lost"]) }),
    );
    const stream = await client.chat.completions.create({
      model: "gemini-2.0-flash",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(text).toBe("Partial answer ");
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/Upstream stream interrupted/);
  });
});

describe("the openai client: a Gemini 3 tool loop (list_files, then read_file, then the answer)", () => {
  const model = "gemini-3-pro-preview";
  const tools = [listFilesTool, agentTools[0]!];
  const question: ChatCompletionMessageParam[] = [
    { role: "system", content: "Use tools." },
    { role: "user", content: "What does this repo do?" },
  ];

  test("the client sends back the assistant messages whole (extra_content included)", async () => {
    scriptAgentLoop(env.fake);
    const messages: ChatCompletionMessageParam[] = [...question];
    const signatures: string[] = [];
    for (let step = 0; step < 2; step++) {
      const completion = await client.chat.completions.create({
        model,
        messages,
        tools,
        reasoning_effort: "high",
      });
      const message = completion.choices[0]!.message;
      expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
      const [toolCall] = message.tool_calls as any[];
      signatures.push(toolCall.extra_content.google.thought_signature);
      messages.push(message as ChatCompletionMessageParam);
      messages.push({
        role: "tool",
        tool_call_id: toolCall.id,
        content: step === 0 ? "README.md\nsrc/" : "# demo",
      });
    }
    const answer = await client.chat.completions.create({ model, messages, tools, reasoning_effort: "high" });
    expect(answer.choices[0]!.message.content).toBe("It pools Gemini keys.");
    expect(firstFunctionCallsOf(lastGeminiBody(env.fake)).map((part) => part.thoughtSignature)).toEqual(
      signatures,
    );
    expect(
      signatures.every((signature) => typeof signature === "string" && signature !== PLACEHOLDER_SIGNATURE),
    ).toBe(true);
  });

  test("the client keeps only standard fields (Cline 3, Roo): the gateway re-attaches the signatures it stored", async () => {
    scriptAgentLoop(env.fake);
    const messages: ChatCompletionMessageParam[] = [...question];
    const signatures: string[] = [];
    for (let step = 0; step < 2; step++) {
      const stream = await client.chat.completions.create({
        model,
        messages,
        tools,
        stream: true,
        stream_options: { include_usage: true },
      });
      const { chunks } = await collect(stream, model);
      const first = chunks.flatMap((chunk) =>
        chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
      )[0] as any;
      signatures.push(first.extra_content.google.thought_signature);
      // What Roo keeps: id, type, name, arguments; extra_content and reasoning are dropped.
      messages.push({
        role: "assistant",
        content: "",
        tool_calls: [{ id: first.id, type: "function", function: first.function }],
      });
      messages.push({
        role: "tool",
        tool_call_id: first.id,
        content: step === 0 ? "README.md\nsrc/" : "(empty)",
      });
    }
    const answer = await client.chat.completions.create({ model, messages, tools });
    expect(answer.choices[0]!.message.content).toBe("It pools Gemini keys.");
    expect(firstFunctionCallsOf(lastGeminiBody(env.fake)).map((part) => part.thoughtSignature)).toEqual(
      signatures,
    );
  });

  test("the client sends a history the gateway never saw: the documented placeholder on each step", async () => {
    env.fake.enqueue(reply.text("It pools Gemini keys."));
    const messages: ChatCompletionMessageParam[] = [
      ...question,
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "toolu_other_gateway_1",
            type: "function",
            function: { name: "list_files", arguments: '{"path":"."}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_other_gateway_1", content: "README.md" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "toolu_other_gateway_2",
            type: "function",
            function: { name: "read_file", arguments: '{"path":"README.md","mode":"slice"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_other_gateway_2", content: "# demo" },
    ];
    const answer = await client.chat.completions.create({ model, messages, tools });
    expect(answer.choices[0]!.message.content).toBe("It pools Gemini keys.");
    expect(firstFunctionCallsOf(lastGeminiBody(env.fake)).map((part) => part.thoughtSignature)).toEqual([
      PLACEHOLDER_SIGNATURE,
      PLACEHOLDER_SIGNATURE,
    ]);
  });
});

describe("the openai client with REASONING_OUTPUT=none", () => {
  let quiet: E2eEnvironment;
  let quietClient: OpenAI;
  beforeAll(async () => {
    quiet = await startEnvironment({ env: { REASONING_OUTPUT: "none" } });
    quietClient = new OpenAI({ baseURL: `${quiet.url}/v1`, apiKey: ACCESS_TOKEN, maxRetries: 0 });
  });
  afterAll(async () => {
    await quiet?.stop();
  });

  test("no thoughts are asked for and none reach the client, streaming or not; usage still counts them", async () => {
    const stream = await quietClient.chat.completions.create({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "Is 97 prime?" }],
      reasoning_effort: "high",
      stream: true,
      stream_options: { include_usage: true },
    });
    const streamed = await collect(stream, "gemini-2.5-pro");
    expect(streamed.content).not.toBe("");
    expect(streamed.reasoning).toBe("");
    expect(streamed.usageChunks[0]!.usage!.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect(lastGeminiBody(quiet.fake).generationConfig.thinkingConfig.includeThoughts).toBeUndefined();

    const completion = await quietClient.chat.completions.create({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "Is 97 prime?" }],
    });
    expect(completion.choices[0]!.message.content).not.toBe("");
    expect(completion.choices[0]!.message).not.toHaveProperty("reasoning_content");
  });

  test("thought parts Gemini sends anyway never leak, into reasoning_content or into content", async () => {
    const chunk = (parts: object[], finishReason?: string) => ({
      candidates: [
        { content: { parts, role: "model" }, index: 0, ...(finishReason ? { finishReason } : {}) },
      ],
      modelVersion: "gemini-2.5-flash",
    });
    quiet.fake.enqueue(
      reply.chunks([chunk([{ text: "secret plan", thought: true }]), chunk([{ text: "Yes." }], "STOP")]),
    );
    const stream = await quietClient.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "Is 97 prime?" }],
      stream: true,
    });
    const result = await collect(stream, "gemini-2.5-flash", false);
    expect(result.content).toBe("Yes.");
    expect(result.reasoning).toBe("");
    expect(JSON.stringify(result.chunks)).not.toContain("secret plan");
  });
});

describe("the openai client: a Gemini 3 tool loop across a gateway restart", () => {
  test("the signatures the gateway stored survive SIGTERM and a new process on the same STATE_FILE", async () => {
    const fake = await startFakeGemini({ keys: E2E_KEYS });
    const folder = await mkdtemp(join(tmpdir(), "gemini-rotator-e2e-restart-"));
    const tools = [listFilesTool];
    const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "What does this repo do?" }];
    try {
      const before = await startBuiltServer({ geminiBaseUrl: fake.url, keys: E2E_KEYS, folder });
      let signature: string;
      try {
        fake.enqueue(reply.functionCalls([{ name: "list_files", args: { path: "." } }]));
        const first = new OpenAI({ baseURL: `${before.url}/v1`, apiKey: "anything", maxRetries: 0 });
        const completion = await first.chat.completions.create({
          model: "gemini-3-pro-preview",
          messages,
          tools,
        });
        const [toolCall] = completion.choices[0]!.message.tool_calls as any[];
        signature = toolCall.extra_content.google.thought_signature;
        messages.push({
          role: "assistant",
          content: "",
          tool_calls: [{ id: toolCall.id, type: "function", function: toolCall.function }],
        });
        messages.push({ role: "tool", tool_call_id: toolCall.id, content: "README.md" });
      } finally {
        await before.stop();
      }

      const after = await startBuiltServer({ geminiBaseUrl: fake.url, keys: E2E_KEYS, folder });
      try {
        fake.enqueue(reply.text("It pools Gemini keys."));
        const second = new OpenAI({ baseURL: `${after.url}/v1`, apiKey: "anything", maxRetries: 0 });
        const answer = await second.chat.completions.create({
          model: "gemini-3-pro-preview",
          messages,
          tools,
        });
        expect(answer.choices[0]!.message.content).toBe("It pools Gemini keys.");
        expect(firstFunctionCallsOf(lastGeminiBody(fake)).map((part) => part.thoughtSignature)).toEqual([
          signature,
        ]);
      } finally {
        await after.stop();
      }
    } finally {
      await fake.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

test("every stream the client read above also holds the wire invariants (a raw look at one of them)", async () => {
  env.fake.enqueue(reply.functionCalls([{ name: "list_files", args: { path: "." } }]));
  const answer = await postSse(`${env.url}/v1/chat/completions`, {
    model: "gemini-3-pro-preview",
    messages: [{ role: "user", content: "list" }],
    tools: [listFilesTool],
    stream: true,
    stream_options: { include_usage: true },
  });
  expectChatStreamInvariants(chatStreamOf(answer), { model: "gemini-3-pro-preview" });
});
