import { describe, expect, test } from "@jest/globals";
import type { GeminiGenerateContentResponse } from "../../../src/gemini/wire-types.js";
import {
  type ChatStreamContext,
  createChatStreamConverter,
} from "../../../src/protocols/openai-chat/convert-gemini-stream.js";
import { createToolNameMap } from "../../../src/translate/tool-name-map.js";
import { assertChatChunkInvariants, runStream } from "../../support/openai-chat-stream.js";
import {
  blockedPromptResponse,
  flashTextStream,
  flashThoughtStream,
  flashToolCallStream,
  gemini3TextStream,
  gemini3ToolCallStream,
  indexlessStream,
  malformedCallResponse,
  noArgumentsToolCallStream,
  parallelToolCallStream,
  vertexUsageStream,
} from "./fixtures/gemini-responses.js";

const id = "chatcmpl-7f3a";
const created = 1767225600;

function contextFor(overrides: Partial<ChatStreamContext> = {}): ChatStreamContext {
  let counter = 0;
  return {
    id,
    created,
    model: "gemini-2.5-pro",
    toolNames: createToolNameMap([]),
    reasoningOutput: "reasoning_content",
    includeUsage: true,
    newToolCallId: () => `call_${++counter}`,
    ...overrides,
  };
}

const envelope = { id, object: "chat.completion.chunk", created, model: "gemini-2.5-pro" } as const;

describe("stream invariants S hold on every recorded sequence", () => {
  const sequences: Array<[string, GeminiGenerateContentResponse[]]> = [
    ["2.5 flash text with running usage", flashTextStream],
    ["2.5 flash thoughts then text", flashThoughtStream],
    ["Gemini 3 text closed by an empty signed part", gemini3TextStream],
    ["Gemini 3 signed call then empty STOP", gemini3ToolCallStream],
    ["2.5 flash call in one chunk", flashToolCallStream],
    ["parallel calls", parallelToolCallStream],
    ["no-argument call (R20)", noArgumentsToolCallStream],
    ["candidates without index", indexlessStream],
    ["Vertex partial usage", vertexUsageStream],
    ["blocked prompt", [blockedPromptResponse]],
    ["malformed call", [malformedCallResponse]],
    ["no chunk at all", []],
  ];
  test.each(sequences)("%s, with usage", (_name, chunks) => {
    const output = runStream(createChatStreamConverter(contextFor()), chunks);
    assertChatChunkInvariants(output, { id, model: "gemini-2.5-pro", includeUsage: true });
  });
  test.each(sequences)("%s, without usage", (_name, chunks) => {
    const output = runStream(createChatStreamConverter(contextFor({ includeUsage: false })), chunks);
    assertChatChunkInvariants(output, { id, model: "gemini-2.5-pro", includeUsage: false });
  });
  test("the invariant check itself catches a broken stream", () => {
    const output = runStream(createChatStreamConverter(contextFor()), flashTextStream);
    const withExtraFinish = [...output.slice(0, -1), output.at(-2)!, output.at(-1)!];
    expect(() =>
      assertChatChunkInvariants(withExtraFinish, { id, model: "gemini-2.5-pro", includeUsage: true }),
    ).toThrow(/finish/);
  });
});

describe("text", () => {
  test("2.5 flash text: role on the first delta, MAX_TOKENS → length, usage from the last running total", () => {
    const output = runStream(createChatStreamConverter(contextFor()), flashTextStream);
    expect(output).toEqual([
      {
        ...envelope,
        choices: [
          {
            index: 0,
            delta: { role: "assistant", content: "The sky is blue primarily due to…" },
            finish_reason: null,
          },
        ],
      },
      {
        ...envelope,
        choices: [
          { index: 0, delta: { content: " actually made up of all the colors…" }, finish_reason: null },
        ],
      },
      {
        ...envelope,
        choices: [{ index: 0, delta: { content: "Earth's Atmosphere:** …" }, finish_reason: null }],
      },
      { ...envelope, choices: [{ index: 0, delta: {}, finish_reason: "length" }] },
      {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 51,
          total_tokens: 56,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 28 },
          cache_read_input_tokens: 0,
        },
      },
    ]);
  });

  test("the empty signed text part that closes a Gemini 3 stream writes no delta", () => {
    const output = runStream(
      createChatStreamConverter(contextFor({ model: "gemini-3-pro-preview" })),
      gemini3TextStream,
    );
    const deltas = output.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    expect(deltas).toEqual([
      { role: "assistant", content: 'There are **3** "r"s in' },
      { content: " strawberry." },
      {},
    ]);
    expect(output.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  test("a candidate without index is choice 0", () => {
    const output = runStream(createChatStreamConverter(contextFor()), indexlessStream);
    expect(output.map((chunk) => chunk.choices.map((choice) => choice.index))).toEqual([[0], [0], [0], []]);
    expect(output[1]?.choices[0]?.delta).toEqual({ content: "3" });
  });

  test("a chunk without candidates writes nothing", () => {
    const converter = createChatStreamConverter(contextFor());
    expect(converter.push({ usageMetadata: { promptTokenCount: 3 } })).toEqual([]);
  });

  test("two candidates (n=2) keep separate roles and finishes", () => {
    const output = runStream(createChatStreamConverter(contextFor({ includeUsage: false })), [
      {
        candidates: [
          { content: { parts: [{ text: "A" }] }, index: 0 },
          { content: { parts: [{ text: "B" }] }, index: 1 },
        ],
      },
      {
        candidates: [
          { content: { parts: [{ text: "!" }] }, finishReason: "STOP", index: 1 },
          { content: { parts: [{ text: "" }] }, finishReason: "MAX_TOKENS", index: 0 },
        ],
      },
    ]);
    expect(output.map((chunk) => chunk.choices)).toEqual([
      [{ index: 0, delta: { role: "assistant", content: "A" }, finish_reason: null }],
      [{ index: 1, delta: { role: "assistant", content: "B" }, finish_reason: null }],
      [{ index: 1, delta: { content: "!" }, finish_reason: null }],
      [{ index: 0, delta: {}, finish_reason: "length" }],
      [{ index: 1, delta: {}, finish_reason: "stop" }],
    ]);
  });

  test("consecutive text parts of one chunk join into one delta", () => {
    const converter = createChatStreamConverter(contextFor());
    const output = converter.push({
      candidates: [{ content: { parts: [{ text: "a" }, { text: "" }, { text: "b" }] } }],
    });
    expect(output.map((chunk) => chunk.choices[0]?.delta)).toEqual([{ role: "assistant", content: "ab" }]);
  });
});

describe("reasoning", () => {
  test("thoughts become reasoning_content deltas before the content", () => {
    const output = runStream(
      createChatStreamConverter(contextFor({ model: "gemini-2.5-flash" })),
      flashThoughtStream,
    );
    expect(output.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", reasoning_content: "**Considering First Interactions**\n\n…" },
      { content: "Hello! How can I help?" },
      {},
      undefined,
    ]);
    expect(output.at(-1)?.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 10 });
    expect(output.at(-1)?.usage?.completion_tokens).toBe(16);
  });

  test("with reasoningOutput none, thoughts are dropped and the role moves to the first content", () => {
    const output = runStream(
      createChatStreamConverter(contextFor({ reasoningOutput: "none" })),
      flashThoughtStream,
    );
    expect(output.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "Hello! How can I help?" },
      {},
      undefined,
    ]);
    expect(JSON.stringify(output)).not.toContain("reasoning_content");
  });

  test("a thought and text in the same chunk are two deltas, reasoning first", () => {
    const converter = createChatStreamConverter(contextFor());
    const output = converter.push({
      candidates: [{ content: { parts: [{ text: "think", thought: true }, { text: "say" }] }, index: 0 }],
    });
    expect(output.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", reasoning_content: "think" },
      { content: "say" },
    ]);
  });
});

describe("tool calls", () => {
  test("Gemini 3 call: one complete delta with index, id, type, name, arguments and the signature", () => {
    const converter = createChatStreamConverter(contextFor({ model: "gemini-3-pro-preview" }));
    const output = runStream(converter, gemini3ToolCallStream);
    expect(output.map((chunk) => chunk.choices)).toEqual([
      [
        {
          index: 0,
          delta: {
            role: "assistant",
            tool_calls: [
              {
                index: 0,
                id: "call_1",
                type: "function",
                function: { name: "read_file", arguments: '{"path":"package.json"}' },
                extra_content: { google: { thought_signature: "EpEgCo4g" } },
              },
            ],
          },
          finish_reason: null,
        },
      ],
      [{ index: 0, delta: {}, finish_reason: "tool_calls" }],
      [],
    ]);
    expect([...converter.thoughtSignatures]).toEqual([["call_1", "EpEgCo4g"]]);
  });

  test("Gemini STOP after a call in the same chunk still finishes with tool_calls", () => {
    const output = runStream(createChatStreamConverter(contextFor()), flashToolCallStream);
    expect(
      output
        .filter((chunk) => chunk.choices[0]?.finish_reason)
        .map((chunk) => chunk.choices[0]?.finish_reason),
    ).toEqual(["tool_calls"]);
  });

  test("parallel calls: index 0 and 1, different ids, only the first signed and recorded", () => {
    const converter = createChatStreamConverter(contextFor());
    const output = runStream(converter, parallelToolCallStream);
    const toolCalls = output.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
    );
    expect(toolCalls).toEqual([
      {
        index: 0,
        id: "call_1",
        type: "function",
        function: { name: "read_file", arguments: '{"path":"a.ts","mode":"slice"}' },
        extra_content: { google: { thought_signature: "SIG_FIRST" } },
      },
      {
        index: 1,
        id: "call_2",
        type: "function",
        function: { name: "read_file", arguments: '{"path":"b.ts","mode":"slice"}' },
      },
    ]);
    expect(Object.fromEntries(converter.thoughtSignatures)).toEqual({ call_1: "SIG_FIRST" });
    for (const toolCall of toolCalls)
      expect(() => JSON.parse(toolCall.function.arguments ?? "")).not.toThrow();
  });

  test('R20: a call without args has arguments "{}", and calls across chunks keep counting indexes', () => {
    const output = runStream(createChatStreamConverter(contextFor()), noArgumentsToolCallStream);
    const toolCalls = output.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
    );
    expect(
      toolCalls.map((toolCall) => [toolCall.index, toolCall.function.name, toolCall.function.arguments]),
    ).toEqual([
      [0, "ping", "{}"],
      [1, "mcp--srv--search", '{"q":"x","limit":5}'],
    ]);
  });

  test("Gemini-safe names are turned back into the client's names", () => {
    const toolNames = createToolNameMap(["my tool"]);
    const converter = createChatStreamConverter(contextFor({ toolNames }));
    const output = converter.push({
      candidates: [
        { content: { parts: [{ functionCall: { name: toolNames.toGemini("my tool"), args: {} } }] } },
      ],
    });
    expect(output[0]?.choices[0]?.delta.tool_calls?.[0]?.function.name).toBe("my tool");
  });

  test("text before a call in one chunk is written first", () => {
    const converter = createChatStreamConverter(contextFor());
    const output = converter.push({
      candidates: [
        {
          content: {
            parts: [{ text: "Reading it now." }, { functionCall: { name: "read_file", args: {} } }],
          },
        },
      ],
    });
    expect(output.map((chunk) => Object.keys(chunk.choices[0]?.delta ?? {}))).toEqual([
      ["role", "content"],
      ["tool_calls"],
    ]);
  });
});

describe("end of stream", () => {
  test("usage is written once, last, with choices []; only with includeUsage", () => {
    const withUsage = runStream(createChatStreamConverter(contextFor()), vertexUsageStream);
    expect(withUsage.filter((chunk) => chunk.usage)).toEqual([
      {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 12,
          completion_tokens: 34,
          total_tokens: 46,
          prompt_tokens_details: { cached_tokens: 8 },
          completion_tokens_details: { reasoning_tokens: 30 },
          cache_read_input_tokens: 8,
        },
      },
    ]);
    expect(withUsage.at(-1)?.usage).toBeDefined();
    const withoutUsage = runStream(
      createChatStreamConverter(contextFor({ includeUsage: false })),
      vertexUsageStream,
    );
    expect(withoutUsage.some((chunk) => "usage" in chunk)).toBe(false);
  });

  test("a blocked prompt ends with a role chunk and content_filter", () => {
    const output = runStream(createChatStreamConverter(contextFor({ includeUsage: false })), [
      blockedPromptResponse,
    ]);
    expect(output).toEqual([
      { ...envelope, choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: "content_filter" }] },
    ]);
  });

  test("finish() writes the end only once and push() after it writes nothing", () => {
    const converter = createChatStreamConverter(contextFor());
    converter.push(flashTextStream[0]!);
    expect(converter.finish()).toHaveLength(2);
    expect(converter.finish()).toEqual([]);
    expect(converter.push(flashTextStream[1]!)).toEqual([]);
  });

  test("hasVisibleOutput: text or a call counts, thoughts alone or an empty candidate do not", () => {
    const thoughtsOnly = createChatStreamConverter(contextFor());
    thoughtsOnly.push(flashThoughtStream[0]!);
    expect(thoughtsOnly.hasVisibleOutput()).toBe(false);
    thoughtsOnly.push(flashThoughtStream[1]!);
    expect(thoughtsOnly.hasVisibleOutput()).toBe(true);

    const malformed = createChatStreamConverter(contextFor());
    malformed.push(malformedCallResponse);
    expect(malformed.hasVisibleOutput()).toBe(false);

    const call = createChatStreamConverter(contextFor());
    call.push(gemini3ToolCallStream[0]!);
    expect(call.hasVisibleOutput()).toBe(true);
  });

  test("isComplete: only once every candidate has Gemini's finish reason, or the prompt was blocked", () => {
    const cut = createChatStreamConverter(contextFor());
    expect(cut.isComplete()).toBe(false);
    cut.push(flashTextStream[0]!);
    expect(cut.isComplete()).toBe(false);
    for (const chunk of flashTextStream.slice(1)) cut.push(chunk);
    expect(cut.isComplete()).toBe(true);

    const blocked = createChatStreamConverter(contextFor());
    blocked.push(blockedPromptResponse);
    expect(blocked.isComplete()).toBe(true);
  });

  test("emptyAnswer: thoughts only or a malformed call are empty; text, a call, a refusal or a length cut are not", () => {
    const thoughtsOnly = createChatStreamConverter(contextFor());
    thoughtsOnly.push(flashThoughtStream[0]!);
    expect(thoughtsOnly.emptyAnswer()).toEqual({ finishReason: undefined, finishMessage: undefined });
    thoughtsOnly.push(flashThoughtStream[1]!);
    expect(thoughtsOnly.emptyAnswer()).toBeUndefined();

    const malformed = createChatStreamConverter(contextFor());
    malformed.push(malformedCallResponse);
    expect(malformed.emptyAnswer()).toEqual({
      finishReason: "MALFORMED_FUNCTION_CALL",
      finishMessage: malformedCallResponse.candidates![0]!.finishMessage,
    });

    const blocked = createChatStreamConverter(contextFor());
    blocked.push(blockedPromptResponse);
    expect(blocked.emptyAnswer()).toBeUndefined();

    const cut = createChatStreamConverter(contextFor());
    cut.push({ candidates: [{ content: { parts: [{ text: "" }] }, finishReason: "MAX_TOKENS", index: 0 }] });
    expect(cut.emptyAnswer()).toBeUndefined();

    const call = createChatStreamConverter(contextFor());
    call.push(gemini3ToolCallStream[0]!);
    expect(call.emptyAnswer()).toBeUndefined();
  });
});
