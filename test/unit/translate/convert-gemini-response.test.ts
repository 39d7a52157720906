import { describe, expect, test } from "@jest/globals";
import { emptyAnswerOf, isEmptyGeminiResponse } from "../../../src/engine/empty-answer.js";
import {
  type ChatResponseContext,
  convertGeminiResponse,
} from "../../../src/protocols/openai-chat/convert-gemini-response.js";
import { createToolNameMap } from "../../../src/translate/tool-name-map.js";
import {
  blockedPromptResponse,
  flashToolCallResponse,
  malformedCallResponse,
  oneTokenResponse,
  partlessResponse,
  thoughtAndTextResponse,
} from "./fixtures/gemini-responses.js";

function contextFor(overrides: Partial<ChatResponseContext> = {}): ChatResponseContext {
  let counter = 0;
  return {
    id: "chatcmpl-1",
    created: 1767225600,
    model: "gemini-2.5-flash",
    toolNames: createToolNameMap([]),
    reasoningOutput: "reasoning_content",
    newToolCallId: () => `call_${++counter}`,
    ...overrides,
  };
}

describe("generateContent response → chat.completion", () => {
  test("R10: a tool call is a complete message with type function, string arguments, finish tool_calls, usage", () => {
    expect(convertGeminiResponse(flashToolCallResponse, contextFor()).completion).toEqual({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1767225600,
      model: "gemini-2.5-flash",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            refusal: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: {
                  name: "concatStringFunction",
                  arguments: '{"firstString":"hello","secondString":"world"}',
                },
                extra_content: { google: { thought_signature: "CpUCAdHtim9pjKa0" } },
              },
            ],
          },
          finish_reason: "tool_calls",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 46,
        completion_tokens: 52,
        total_tokens: 98,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 30 },
        cache_read_input_tokens: 0,
      },
    });
  });

  test("thoughts → message.reasoning_content, never in content; the model echoed is the one asked for", () => {
    const { completion, thoughtSignatures } = convertGeminiResponse(
      thoughtAndTextResponse,
      contextFor({ model: "my-alias" }),
    );
    expect(completion.model).toBe("my-alias");
    expect(completion.choices[0]?.message).toEqual({
      role: "assistant",
      content: "There are **3** r's in strawberry.",
      reasoning_content: "**Breaking Down the Question**\n\nCount the r's.",
      refusal: null,
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage.prompt_tokens_details).toEqual({ cached_tokens: 3 });
    expect(thoughtSignatures).toEqual([]);
  });

  test("with reasoningOutput none there is no reasoning_content", () => {
    const { completion } = convertGeminiResponse(
      thoughtAndTextResponse,
      contextFor({ reasoningOutput: "none" }),
    );
    expect(completion.choices[0]?.message).not.toHaveProperty("reasoning_content");
  });

  test("a blocked prompt: one choice, content null, content_filter, usage kept", () => {
    const { completion } = convertGeminiResponse(blockedPromptResponse, contextFor());
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: null, refusal: null },
        finish_reason: "content_filter",
        logprobs: null,
      },
    ]);
    expect(completion.usage.prompt_tokens).toBe(11);
  });

  test("edge shapes: MAX_TOKENS with empty text, content without parts, malformed call, no arguments", () => {
    const finish = (response: Parameters<typeof convertGeminiResponse>[0]) =>
      convertGeminiResponse(response, contextFor()).completion.choices[0];
    expect(finish(oneTokenResponse)).toMatchObject({ message: { content: null }, finish_reason: "length" });
    expect(finish(partlessResponse)).toMatchObject({ message: { content: null }, finish_reason: "stop" });
    expect(finish(malformedCallResponse)).toMatchObject({
      message: { content: null },
      finish_reason: "stop",
    });
    expect(
      finish({
        candidates: [{ content: { parts: [{ functionCall: { name: "ping" } }] }, finishReason: "STOP" }],
      })?.message.tool_calls?.[0]?.function.arguments,
    ).toBe("{}");
  });

  test("n=2: candidates become choices in index order, ids unique, names mapped back", () => {
    const toolNames = createToolNameMap(["my tool"]);
    const { completion } = convertGeminiResponse(
      {
        candidates: [
          {
            content: { parts: [{ functionCall: { name: toolNames.toGemini("my tool"), args: { a: 1 } } }] },
            index: 1,
          },
          { content: { parts: [{ text: "A" }, { text: "B" }] }, finishReason: "STOP", index: 0 },
        ],
      },
      contextFor({ toolNames }),
    );
    expect(
      completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
    ).toEqual([
      [0, "AB", "stop"],
      [1, null, "tool_calls"],
    ]);
    expect(completion.choices[1]?.message.tool_calls?.[0]?.function.name).toBe("my tool");
  });
});

describe("isEmptyGeminiResponse: retry once before answering", () => {
  test.each([
    ["text", thoughtAndTextResponse, false],
    ["a function call", flashToolCallResponse, false],
    [
      "only thoughts",
      { candidates: [{ content: { parts: [{ text: "hmm", thought: true }] }, finishReason: "STOP" }] },
      true,
    ],
    [
      "an empty text part with STOP",
      { candidates: [{ content: { parts: [{ text: "" }] }, finishReason: "STOP" }] },
      true,
    ],
    ["cut by the output limit before any text (length, which a retry would repeat)", oneTokenResponse, false],
    ["content without parts", partlessResponse, true],
    ["a malformed call", malformedCallResponse, true],
    ["no candidates", { usageMetadata: { promptTokenCount: 3 } }, true],
    ["a blocked prompt (a refusal, not a glitch)", blockedPromptResponse, false],
    [
      "a SAFETY finish (a refusal, not a glitch)",
      { candidates: [{ content: {}, finishReason: "SAFETY" }] },
      false,
    ],
  ])("%s → empty: %s", (_name, response, empty) => {
    expect(isEmptyGeminiResponse(response)).toBe(empty);
  });

  test("emptyAnswerOf names Gemini's finish reason and message, for the error the client gets", () => {
    expect(emptyAnswerOf(malformedCallResponse)).toEqual({
      finishReason: "MALFORMED_FUNCTION_CALL",
      finishMessage: 'Malformed function call: print(default_api.get_capital_info(country="France))',
    });
    expect(emptyAnswerOf(thoughtAndTextResponse)).toBeUndefined();
  });
});
