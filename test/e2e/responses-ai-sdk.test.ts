/**
 * The Vercel AI SDK's DEFAULT OpenAI provider (`@ai-sdk/openai`: `openai(model)` speaks the Responses
 * API) against the BUILT gateway, unchanged: the SDK validates every event with its zod schema and
 * turns one that does not fit into an `error` part, so no stream here may hold one. Its multi-step runs
 * send earlier items back as `item_reference`s to the stored response, which the gateway resolves.
 */
import { createOpenAI } from "@ai-sdk/openai";
import {
  generateText,
  isStepCount,
  jsonSchema,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
} from "ai";
import { reply } from "../fake-gemini/index.js";
import {
  ACCESS_TOKEN,
  type E2eEnvironment,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";
import { checkResponsesStream } from "../support/responses-stream.js";
import type { SseEvent } from "../support/sse.js";

// The SDK warns on stderr about settings it does not know for a model id it does not recognise.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

let env: E2eEnvironment;
let openai: ReturnType<typeof createOpenAI>;
/** The bodies the SDK sent, oldest first. */
let sentBodies: Array<{ input?: Array<Record<string, unknown>> }> = [];

beforeAll(async () => {
  env = await startEnvironment();
  openai = createOpenAI({
    baseURL: `${env.url}/v1`,
    apiKey: ACCESS_TOKEN,
    fetch: async (url, init) => {
      if (typeof init?.body === "string") sentBodies.push(JSON.parse(init.body));
      return fetch(url, init);
    },
  });
});
afterAll(async () => {
  await env?.stop();
});
afterEach(async () => {
  sentBodies = [];
  await env.reset();
});

const listFiles = tool({
  description: "List the files of a folder",
  inputSchema: jsonSchema<{ path: string }>({
    type: "object",
    properties: { path: { type: "string" } },
    required: ["path"],
    additionalProperties: false,
  }),
  execute: async () => "README.md\nsrc/",
});

/**
 * Consumes a stream: no error part, and every raw Responses stream (one per step) holds the stream
 * invariants.
 */
async function consume<TOOLS extends ToolSet>(result: { fullStream: AsyncIterable<TextStreamPart<TOOLS>> }) {
  const parts: TextStreamPart<TOOLS>[] = [];
  for await (const part of result.fullStream) parts.push(part);
  const errors = parts.filter((part) => part.type === "error");
  expect(errors.map((part) => String((part as { error: unknown }).error))).toEqual([]);
  const raw = parts.flatMap((part) => (part.type === "raw" ? [part.rawValue as Record<string, any>] : []));
  const steps: Record<string, any>[][] = [];
  for (const event of raw) {
    if (event.type === "response.created") steps.push([]);
    steps.at(-1)?.push(event);
  }
  for (const step of steps) {
    const records: SseEvent[] = step.map((json) => ({ event: json.type, data: JSON.stringify(json), json }));
    checkResponsesStream(records);
  }
  return {
    parts,
    steps: steps.length,
    text: parts.map((part) => (part.type === "text-delta" ? part.text : "")).join(""),
    reasoning: parts.map((part) => (part.type === "reasoning-delta" ? part.text : "")).join(""),
  };
}

describe("the AI SDK's default openai(model) provider", () => {
  test("generateText: the text, usage, finish stop", async () => {
    const result = await generateText({ model: openai("gemini-2.5-flash"), prompt: "Say hi", maxRetries: 0 });
    expect(result.text).toBe("Echo: Say hi");
    expect(result.finishReason).toBe("stop");
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.response.id).toMatch(/^resp_/);
  });

  test("streamText with a tool: the call, its result sent back, the final answer, no error part", async () => {
    env.fake.enqueue(reply.functionCalls([{ name: "list_files", args: { path: "." } }]));
    const result = streamText({
      model: openai("gemini-2.5-flash"),
      prompt: "What is in this folder?",
      tools: { list_files: listFiles },
      stopWhen: isStepCount(3),
      includeRawChunks: true,
      maxRetries: 0,
    });
    const { text, steps } = await consume(result);
    expect(steps).toBe(2);
    expect(text).toBe('Function list_files returned {"output":"README.md\\nsrc/"}');
    const toolCalls = (await result.steps)[0]?.toolCalls ?? [];
    expect(toolCalls.map((call) => [call.toolName, call.input])).toEqual([["list_files", { path: "." }]]);
    const contents = lastGeminiBody(env.fake).contents;
    expect(contents.map((content: { role: string }) => content.role)).toEqual(["user", "model", "user"]);
    expect(contents[1].parts[0].functionCall).toEqual({ name: "list_files", args: { path: "." } });
    expect(contents[2].parts[0].functionResponse).toEqual({
      name: "list_files",
      response: { output: "README.md\nsrc/" },
    });
  });

  test("a Gemini 3 tool loop with reasoning summaries: items come back as references and their signatures with them", async () => {
    const model = "gemini-3-flash-preview";
    env.fake.enqueue(reply.functionCalls([{ name: "list_files", args: { path: "src" } }]), { model });
    const result = streamText({
      model: openai(model),
      prompt: "What is in src?",
      tools: { list_files: listFiles },
      stopWhen: isStepCount(3),
      includeRawChunks: true,
      maxRetries: 0,
      providerOptions: { openai: { forceReasoning: true, reasoningEffort: "low", reasoningSummary: "auto" } },
    });
    const { reasoning, steps } = await consume(result);
    expect(steps).toBe(2);
    expect(reasoning.length).toBeGreaterThan(0);
    expect(sentBodies[1]?.input).toContainEqual({
      type: "item_reference",
      id: expect.stringMatching(/^rs_/),
    });
    const step = lastGeminiBody(env.fake).contents[1];
    expect(step.role).toBe("model");
    expect(step.parts[0].thoughtSignature).toEqual(expect.any(String));
    expect(step.parts[0].thoughtSignature).not.toBe("skip_thought_signature_validator");
    expect(await result.finishReason).toBe("stop");
  });

  test("store:false through provider options: nothing referenced, nothing kept", async () => {
    env.fake.enqueue(reply.functionCalls([{ name: "list_files", args: { path: "." } }]));
    const result = streamText({
      model: openai("gemini-2.5-flash"),
      prompt: "List it.",
      tools: { list_files: listFiles },
      stopWhen: isStepCount(3),
      includeRawChunks: true,
      maxRetries: 0,
      providerOptions: { openai: { store: false } },
    });
    const { steps, text } = await consume(result);
    expect(steps).toBe(2);
    expect(text).toContain("Function list_files returned");
    expect(sentBodies.map((body) => body.input?.filter((item) => item.type === "item_reference"))).toEqual([
      [],
      [],
    ]);
    const responseId = (await result.response).id;
    const stored = await fetch(`${env.url}/v1/responses/${responseId}`, {
      headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
    });
    expect(stored.status).toBe(404);
  });
});
