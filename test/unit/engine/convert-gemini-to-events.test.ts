import { describe, expect, test } from "@jest/globals";
import type { AnswerEvent } from "../../../src/engine/answer-events.js";
import { collectAnswer } from "../../../src/engine/collect-answer.js";
import { createGeminiEventConverter } from "../../../src/engine/convert-gemini-to-events.js";
import type { GeminiGenerateContentResponse } from "../../../src/gemini/wire-types.js";
import {
  blockedPromptResponse,
  flashTextStream,
  flashThoughtStream,
  gemini3TextStream,
  gemini3ToolCallStream,
  indexlessStream,
  malformedCallResponse,
  oneTokenResponse,
  thoughtAndTextResponse,
} from "../translate/fixtures/gemini-responses.js";

function converterFor(includeReasoning = true) {
  let counter = 0;
  return createGeminiEventConverter({ newToolCallId: () => `toolu_${++counter}`, includeReasoning });
}

/** Every event of a whole answer: content as pushed, then the finishes. */
function eventsOf(chunks: readonly GeminiGenerateContentResponse[], includeReasoning = true): AnswerEvent[] {
  const converter = converterFor(includeReasoning);
  const events = chunks.flatMap((chunk) => converter.push(chunk));
  return [...events, ...converter.finishEvents()];
}

describe("Gemini chunks → answer events", () => {
  test("Gemini 3 text: text per chunk, the empty closing part gives only its signature, one finish", () => {
    expect(eventsOf(gemini3TextStream)).toEqual([
      { type: "text", candidate: 0, text: 'There are **3** "r"s in' },
      { type: "text", candidate: 0, text: " strawberry." },
      { type: "signature", candidate: 0, signature: "Eo0HCooHAb4+9vut" },
      {
        type: "finish",
        candidate: 0,
        finish: { kind: "stop", geminiReason: "STOP", message: undefined, madeToolCall: false },
      },
    ]);
  });

  test("a signed call: whole, with the protocol's id and its signature; its finish says a call was made", () => {
    expect(eventsOf(gemini3ToolCallStream)).toEqual([
      {
        type: "tool_call",
        candidate: 0,
        id: "toolu_1",
        name: "read_file",
        args: { path: "package.json" },
        signature: "EpEgCo4g",
      },
      {
        type: "finish",
        candidate: 0,
        finish: {
          kind: "stop",
          geminiReason: "STOP",
          message: "Model generated function call(s).",
          madeToolCall: true,
        },
      },
    ]);
  });

  test("consecutive parts of one kind in a chunk join; a signature follows the text it was on", () => {
    const converter = converterFor();
    const events = converter.push({
      candidates: [
        {
          content: {
            parts: [
              { text: "Plan: ", thought: true },
              { text: "read the file.", thought: true, thoughtSignature: "SIG_THOUGHT" },
              { text: "Reading " },
              { text: "it now." },
              { functionCall: { name: "read_file" } },
            ],
          },
          index: 0,
        },
      ],
    });
    expect(events).toEqual([
      { type: "reasoning", candidate: 0, text: "Plan: read the file." },
      { type: "signature", candidate: 0, signature: "SIG_THOUGHT" },
      { type: "text", candidate: 0, text: "Reading it now." },
      { type: "tool_call", candidate: 0, id: "toolu_1", name: "read_file", args: {} },
    ]);
  });

  test("reasoning is left out when the gateway does not show thoughts; its signature is kept", () => {
    expect(eventsOf([thoughtAndTextResponse], false).filter((event) => event.type !== "finish")).toEqual([
      { type: "text", candidate: 0, text: "There are **3** r's in strawberry." },
      { type: "signature", candidate: 0, signature: "EtoFCtcF" },
    ]);
  });

  test("candidates without index are candidate 0", () => {
    const events = eventsOf(indexlessStream);
    expect(new Set(events.map((event) => event.candidate))).toEqual(new Set([0]));
    expect(events.filter((event) => event.type === "finish")).toHaveLength(1);
  });

  test("a blocked prompt ends as one refusal of candidate 0, with the block reason in the summary", () => {
    const converter = converterFor();
    expect(converter.push(blockedPromptResponse)).toEqual([]);
    expect(converter.finishEvents()).toEqual([
      {
        type: "finish",
        candidate: 0,
        finish: { kind: "refusal", geminiReason: undefined, message: undefined, madeToolCall: false },
      },
    ]);
    expect(converter.summary().promptBlockReason).toBe("PROHIBITED_CONTENT");
    expect(converter.emptyAnswer()).toBeUndefined();
    expect(converter.isComplete()).toBe(true);
  });

  test("two candidates finish in index order, each once", () => {
    const converter = converterFor();
    converter.push({
      candidates: [
        { content: { parts: [{ text: "B" }] }, index: 1, finishReason: "MAX_TOKENS" },
        { content: { parts: [{ text: "A" }] }, index: 0, finishReason: "SAFETY" },
      ],
    });
    expect(
      converter
        .finishEvents()
        .map((event) => [event.candidate, event.type === "finish" && event.finish.kind]),
    ).toEqual([
      [0, "refusal"],
      [1, "max_tokens"],
    ]);
  });
});

describe("what the engine decides with", () => {
  test("thoughts alone, or a malformed call, are an empty answer with Gemini's reason", () => {
    const thoughtsOnly = converterFor();
    thoughtsOnly.push(flashThoughtStream[0] as GeminiGenerateContentResponse);
    expect(thoughtsOnly.emptyAnswer()).toEqual({ finishReason: undefined, finishMessage: undefined });
    const malformed = converterFor();
    malformed.push(malformedCallResponse);
    expect(malformed.emptyAnswer()).toEqual({
      finishReason: "MALFORMED_FUNCTION_CALL",
      finishMessage: malformedCallResponse.candidates?.[0]?.finishMessage,
    });
  });

  test("a cut by the output limit is not empty: the client can raise the limit", () => {
    const converter = converterFor();
    converter.push(oneTokenResponse);
    expect(converter.emptyAnswer()).toBeUndefined();
  });

  test("a stream is complete only once every candidate has Gemini's finish reason", () => {
    const converter = converterFor();
    converter.push(flashTextStream[0] as GeminiGenerateContentResponse);
    expect(converter.isComplete()).toBe(false);
    for (const chunk of flashTextStream.slice(1)) converter.push(chunk);
    expect(converter.isComplete()).toBe(true);
  });

  test("usage: running totals keep the latest value; input, output and total add up", () => {
    const converter = converterFor();
    expect(converter.hasUsage()).toBe(false);
    for (const chunk of flashTextStream) converter.push(chunk);
    expect(converter.hasUsage()).toBe(true);
    expect(converter.summary()).toMatchObject({
      usage: {
        inputTokens: 5,
        outputTokens: 51,
        reasoningTokens: 28,
        cachedInputTokens: 0,
        totalTokens: 56,
      },
      responseId: "recordedResponseId0001",
      modelVersion: "gemini-2.5-flash",
    });
  });
});

describe("events → a whole answer", () => {
  test("text and reasoning join per candidate, calls and signatures keep their place, candidates sorted", () => {
    const converter = converterFor();
    const events = [
      ...converter.push({
        candidates: [
          { content: { parts: [{ text: "second" }] }, index: 1, finishReason: "STOP" },
          { content: { parts: [{ text: "Thinking", thought: true }] }, index: 0 },
        ],
      }),
      ...converter.push({
        candidates: [
          {
            content: {
              parts: [{ text: " more", thought: true }, { functionCall: { name: "f", args: { a: 1 } } }],
            },
            index: 0,
            finishReason: "STOP",
          },
        ],
      }),
      ...converter.finishEvents(),
    ];
    const answer = collectAnswer(events, converter.summary());
    expect(answer.candidates.map((candidate) => candidate.index)).toEqual([0, 1]);
    expect(answer.candidates[0]?.parts).toEqual([
      { type: "reasoning", candidate: 0, text: "Thinking more" },
      { type: "tool_call", candidate: 0, id: "toolu_1", name: "f", args: { a: 1 } },
    ]);
    expect(answer.candidates[0]?.finish.madeToolCall).toBe(true);
    expect(answer.candidates[1]?.parts).toEqual([{ type: "text", candidate: 1, text: "second" }]);
  });
});
