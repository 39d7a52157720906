/**
 * The Vercel AI SDK (`ai` v7 with `@ai-sdk/openai-compatible`, what Cline 4 uses) against the BUILT
 * gateway. The SDK validates every chunk with its zod schema and turns one that does not fit into an
 * `error` part, so every stream here must finish without a single error part.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  APICallError,
  generateText,
  isStepCount,
  jsonSchema,
  type ModelMessage,
  Output,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
} from "ai";
import { geminiErrors, reply } from "../fake-gemini/index.js";
import {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import { assertChatChunkInvariants, type ChunkJson } from "../support/openai-chat-stream.js";
import {
  mcpSearchParameters,
  pngBase64,
  rooStrictReadFileTool,
} from "../unit/translate/fixtures/client-requests.js";
import {
  firstFunctionCallsOf,
  PLACEHOLDER_SIGNATURE,
  REASONING_EFFORTS,
  scriptAgentLoop,
  THINKING_MODELS,
} from "./support/conversation.js";

// The SDK warns on stderr about features a test uses on purpose (json_object without a schema).
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

let env: E2eEnvironment;
/** What Cline 4 builds: `createOpenAICompatible({ …, includeUsage: true })`. */
let gateway: ReturnType<typeof createOpenAICompatible>;
/** The same with structured outputs on, so a JSON schema travels as `response_format.json_schema`. */
let structured: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  env = await startEnvironment();
  const settings = { name: "gateway", baseURL: `${env.url}/v1`, apiKey: ACCESS_TOKEN, includeUsage: true };
  gateway = createOpenAICompatible(settings);
  structured = createOpenAICompatible({ ...settings, supportsStructuredOutputs: true });
});
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  await env.reset();
});

const readFile = tool({
  description: "Read one file",
  inputSchema: jsonSchema<{ path: string; mode: string }>(rooStrictReadFileTool.function.parameters),
});
const search = tool({
  description: "search",
  inputSchema: jsonSchema<{ q: string; limit?: number | null }>(mcpSearchParameters as never),
});
const ping = tool({
  description: "no args",
  inputSchema: jsonSchema<Record<string, never>>({ type: "object", properties: {} }),
});

/**
 * Consumes a stream and returns its parts; the raw chunks the SDK parsed are checked against the
 * stream invariants (usage once, last; one finish; index on every tool call…).
 */
async function consume<TOOLS extends ToolSet>(
  result: { fullStream: AsyncIterable<TextStreamPart<TOOLS>> },
  model: string,
) {
  const parts: TextStreamPart<TOOLS>[] = [];
  for await (const part of result.fullStream) parts.push(part);
  const errors = parts.filter((part) => part.type === "error");
  expect(errors.map((part) => String((part as { error: unknown }).error))).toEqual([]);
  const raw = parts.flatMap((part) => (part.type === "raw" ? [part.rawValue as ChunkJson] : []));
  // A multi-step run holds one response per step, each with its own id.
  for (const id of new Set(raw.map((chunk) => chunk.id))) {
    const response = raw.filter((chunk) => chunk.id === id);
    assertChatChunkInvariants(response, { id, model, includeUsage: true });
  }
  return {
    parts,
    raw,
    text: parts.map((part) => (part.type === "text-delta" ? part.text : "")).join(""),
    reasoning: parts.map((part) => (part.type === "reasoning-delta" ? part.text : "")).join(""),
  };
}

describe("the AI SDK: streamText and generateText", () => {
  test("streamText: the exact text, usage with reasoning tokens inside output, finish stop, no error part", async () => {
    env.fake.enqueue(
      reply.text(["Rivers ", "run to ", "the sea."], {
        thoughts: "Geography question.",
        usage: {
          promptTokenCount: 20,
          candidatesTokenCount: 6,
          thoughtsTokenCount: 4,
          cachedContentTokenCount: 8,
        },
      }),
    );
    const result = streamText({
      model: gateway("gemini-2.5-flash"),
      prompt: "Where do rivers go?",
      includeRawChunks: true,
      maxRetries: 0,
    });
    const { text, reasoning } = await consume(result, "gemini-2.5-flash");
    expect(text).toBe("Rivers run to the sea.");
    expect(reasoning).toBe("Geography question.");
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(20);
    expect(usage.inputTokenDetails.cacheReadTokens).toBe(8);
    expect(usage.outputTokens).toBe(10);
    expect(usage.outputTokenDetails.reasoningTokens).toBe(4);
    expect(usage.outputTokenDetails.textTokens).toBe(6);
  });

  test("streamText with reasoning high: reasoning parts, closed before the text starts", async () => {
    env.fake.enqueue(
      reply.text("Yes, 97 is prime.", { thoughts: "**Trial division**\n\nNo divisor up to 9." }),
    );
    const result = streamText({
      model: gateway("gemini-2.5-pro"),
      prompt: "Is 97 prime?",
      reasoning: "high",
      includeRawChunks: true,
      maxRetries: 0,
    });
    const { parts, text, reasoning } = await consume(result, "gemini-2.5-pro");
    expect(reasoning).toBe("**Trial division**\n\nNo divisor up to 9.");
    expect(text).toBe("Yes, 97 is prime.");
    const types = parts.map((part) => part.type);
    expect(types.indexOf("reasoning-end")).toBeLessThan(types.indexOf("text-start"));
    expect(lastGeminiBody(env.fake).generationConfig.thinkingConfig).toMatchObject({ includeThoughts: true });
  });

  test("streamText with parallel tool calls: two tool-call parts with their inputs, finish tool-calls", async () => {
    env.fake.enqueue(
      reply.functionCalls([
        { name: "read_file", args: { path: "a.ts", mode: "slice" } },
        { name: "read_file", args: { path: "b.ts", mode: "slice" } },
      ]),
    );
    const result = streamText({
      model: gateway("gemini-2.5-pro"),
      prompt: "Read a.ts and b.ts",
      tools: { read_file: readFile },
      includeRawChunks: true,
      maxRetries: 0,
    });
    const { parts } = await consume(result, "gemini-2.5-pro");
    const calls = parts.flatMap((part) => (part.type === "tool-call" ? [part] : []));
    expect(calls.map((call) => [call.toolName, call.input])).toEqual([
      ["read_file", { path: "a.ts", mode: "slice" }],
      ["read_file", { path: "b.ts", mode: "slice" }],
    ]);
    expect(new Set(calls.map((call) => call.toolCallId)).size).toBe(2);
    expect(await result.finishReason).toBe("tool-calls");
  });

  test("generateText with Roo's strict, a raw MCP and a no-argument tool: the calls and their inputs", async () => {
    env.fake.enqueue(
      reply.functionCalls([{ name: "ping" }, { name: "mcp--srv--search", args: { q: "x", limit: 5 } }]),
    );
    const result = await generateText({
      model: gateway("gemini-2.5-pro"),
      prompt: "Call ping, then search for 'x' with limit 5.",
      tools: { read_file: readFile, "mcp--srv--search": search, ping },
      maxRetries: 0,
    });
    expect(result.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ["ping", {}],
      ["mcp--srv--search", { q: "x", limit: 5 }],
    ]);
    expect(result.finishReason).toBe("tool-calls");
  });

  test.each([
    ["auto", "auto" as const, { mode: "AUTO" }],
    ["none", "none" as const, { mode: "NONE" }],
    ["required", "required" as const, { mode: "ANY" }],
    [
      "a named tool",
      { type: "tool" as const, toolName: "read_file" as const },
      { mode: "ANY", allowedFunctionNames: ["read_file"] },
    ],
  ])("toolChoice %s becomes Gemini's functionCallingConfig", async (_name, toolChoice, expected) => {
    const mustCall = expected.mode === "ANY";
    // The SDK checks that a required tool was called; "Gemini" obeys.
    if (mustCall)
      env.fake.enqueue(reply.functionCalls([{ name: "read_file", args: { path: "a.ts", mode: "slice" } }]));
    const result = await generateText({
      model: gateway("gemini-2.5-flash"),
      prompt: "Read a.ts",
      tools: { read_file: readFile, ping },
      toolChoice,
      maxRetries: 0,
    });
    if (mustCall) expect(result.toolCalls.map((call) => call.toolName)).toEqual(["read_file"]);
    else expect(result.text).not.toBe("");
    expect(lastGeminiBody(env.fake).toolConfig).toEqual({ functionCallingConfig: expected });
  });

  test("streamText with an image: it reaches Gemini as inlineData", async () => {
    env.fake.enqueue(reply.text("A single pixel."));
    const result = streamText({
      model: gateway("gemini-2.5-flash"),
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in the image?" },
            { type: "file", data: Buffer.from(pngBase64, "base64"), mediaType: "image/png" },
          ],
        },
      ],
      includeRawChunks: true,
      maxRetries: 0,
    });
    const { text } = await consume(result, "gemini-2.5-flash");
    expect(text).toBe("A single pixel.");
    expect(lastGeminiBody(env.fake).contents[0].parts[1]).toEqual({
      inlineData: { mimeType: "image/png", data: pngBase64 },
    });
  });

  test("JSON schema output (Output.object, structured outputs): the schema reaches Gemini, the object comes back", async () => {
    env.fake.enqueue(reply.text(['{"city":"Paris",', '"population":2102650}']));
    const result = streamText({
      model: structured("gemini-2.5-flash"),
      prompt: "The capital of France",
      output: Output.object({
        schema: jsonSchema<{ city: string; population: number }>({
          type: "object",
          properties: { city: { type: "string" }, population: { type: "integer" } },
          required: ["city", "population"],
          additionalProperties: false,
        }),
      }),
      includeRawChunks: true,
      maxRetries: 0,
    });
    await consume(result, "gemini-2.5-flash");
    expect(await result.output).toEqual({ city: "Paris", population: 2102650 });
    const config = lastGeminiBody(env.fake).generationConfig;
    expect(config.responseMimeType).toBe("application/json");
    expect(config.responseJsonSchema ?? config.responseSchema).toMatchObject({
      required: ["city", "population"],
    });
  });

  test("JSON output without structured outputs (response_format json_object): JSON mime type upstream", async () => {
    env.fake.enqueue(reply.text('{"ok":true}'));
    const result = await generateText({
      model: gateway("gemini-2.5-flash"),
      prompt: "Reply with JSON",
      output: Output.object({
        schema: jsonSchema<{ ok: boolean }>({ type: "object", properties: { ok: { type: "boolean" } } }),
      }),
      maxRetries: 0,
    });
    expect(result.output).toEqual({ ok: true });
    expect(lastGeminiBody(env.fake).generationConfig.responseMimeType).toBe("application/json");
  });

  describe.each(THINKING_MODELS)("every reasoning value on %s", (model) => {
    test.each([...REASONING_EFFORTS, "max"] as const)(
      "%s: a clean stream, reasoning unless none",
      async (effort) => {
        const result = streamText({
          model: gateway(model),
          prompt: "Is 97 prime?",
          reasoning: effort,
          includeRawChunks: true,
          maxRetries: 0,
        });
        const { text, reasoning } = await consume(result, model);
        expect(text).not.toBe("");
        expect(await result.finishReason).toBe("stop");
        if (effort === "none") expect(reasoning).toBe("");
        else expect(reasoning).not.toBe("");
      },
    );
  });

  test("every key resting: an APICallError with status 429, retryable, with the gateway's message", async () => {
    for (const key of E2E_KEYS) {
      env.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 9 }),
      );
    }
    const error = await generateText({
      model: gateway("gemini-2.5-flash"),
      prompt: "hi",
      maxRetries: 0,
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    const callError = error as APICallError;
    expect(callError.statusCode).toBe(429);
    expect(callError.isRetryable).toBe(true);
    expect(callError.message).toMatch(/rate limited/i);
    expect(Number(callError.responseHeaders?.["retry-after-ms"])).toBeGreaterThan(0);
  });
});

describe("the AI SDK: a Gemini 3 tool loop (list_files, then read_file, then the answer)", () => {
  const model = "gemini-3-pro-preview";
  const listFiles = tool({
    description: "List the files of a folder",
    inputSchema: jsonSchema<{ path: string }>({
      type: "object",
      properties: { path: { type: "string" } },
      required: ["path"],
    }),
  });

  test("the SDK runs the loop itself and sends the signatures back as extra_content", async () => {
    scriptAgentLoop(env.fake);
    const result = streamText({
      model: gateway(model),
      prompt: "What does this repo do?",
      reasoning: "high",
      tools: {
        list_files: tool({ ...listFiles, execute: async () => "README.md\nsrc/" }),
        read_file: tool({ ...readFile, execute: async () => "# demo" }),
      },
      stopWhen: isStepCount(3),
      includeRawChunks: true,
      maxRetries: 0,
    });
    const { parts, text } = await consume(result, model);
    expect(text).toBe("It pools Gemini keys.");
    const signatures = parts.flatMap((part) =>
      part.type === "tool-call" ? [String((part.providerMetadata?.gateway as any)?.thoughtSignature)] : [],
    );
    expect(signatures).toHaveLength(2);
    expect(firstFunctionCallsOf(lastGeminiBody(env.fake)).map((part) => part.thoughtSignature)).toEqual(
      signatures,
    );
    expect(signatures).not.toContain(PLACEHOLDER_SIGNATURE);
  });

  test("the history comes back without provider metadata: the gateway re-attaches the signatures it stored", async () => {
    scriptAgentLoop(env.fake);
    const tools = { list_files: listFiles, read_file: readFile };
    const messages: ModelMessage[] = [{ role: "user", content: "What does this repo do?" }];
    const signatures: string[] = [];
    for (const output of ["README.md\nsrc/", "# demo"]) {
      const step = await generateText({ model: gateway(model), messages, tools, maxRetries: 0 });
      const [call] = step.toolCalls;
      signatures.push(String((call!.providerMetadata?.gateway as any)?.thoughtSignature));
      // Only the standard fields survive in this client's history.
      messages.push({
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: call!.toolCallId, toolName: call!.toolName, input: call!.input },
        ],
      });
      messages.push({
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: call!.toolCallId,
            toolName: call!.toolName,
            output: { type: "text", value: output },
          },
        ],
      });
    }
    const answer = await generateText({ model: gateway(model), messages, tools, maxRetries: 0 });
    expect(answer.text).toBe("It pools Gemini keys.");
    expect(firstFunctionCallsOf(lastGeminiBody(env.fake)).map((part) => part.thoughtSignature)).toEqual(
      signatures,
    );
  });

  test("a history the gateway never saw: the documented placeholder on each step, and Gemini 3 answers", async () => {
    env.fake.enqueue(reply.text("It pools Gemini keys."));
    const result = streamText({
      model: gateway(model),
      messages: [
        { role: "user", content: "What does this repo do?" },
        {
          role: "assistant",
          content: [
            { type: "tool-call", toolCallId: "other-1", toolName: "list_files", input: { path: "." } },
          ],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "other-1",
              toolName: "list_files",
              output: { type: "text", value: "README.md" },
            },
          ],
        },
        {
          role: "assistant",
          content: [
            {
              type: "tool-call",
              toolCallId: "other-2",
              toolName: "read_file",
              input: { path: "README.md", mode: "slice" },
            },
          ],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "other-2",
              toolName: "read_file",
              output: { type: "json", value: { text: "# demo" } },
            },
          ],
        },
      ],
      tools: { list_files: listFiles, read_file: readFile },
      includeRawChunks: true,
      maxRetries: 0,
    });
    const { text } = await consume(result, model);
    expect(text).toBe("It pools Gemini keys.");
    expect(firstFunctionCallsOf(lastGeminiBody(env.fake)).map((part) => part.thoughtSignature)).toEqual([
      PLACEHOLDER_SIGNATURE,
      PLACEHOLDER_SIGNATURE,
    ]);
  });
});
