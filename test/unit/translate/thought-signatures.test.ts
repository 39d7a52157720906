import { describe, expect, test } from "@jest/globals";
import type { GeminiContent } from "../../../src/gemini/wire-types.js";
import { convertGeminiResponse } from "../../../src/protocols/openai-chat/convert-gemini-response.js";
import {
  addPlaceholderThoughtSignatures,
  placeholderThoughtSignature,
  requiresThoughtSignatures,
} from "../../../src/translate/add-placeholder-thought-signatures.js";
import { createToolNameMap } from "../../../src/translate/tool-name-map.js";
import { convert, userText } from "./convert-request-helpers.js";
import { aiSdkSignedHistory, r04, r05 } from "./fixtures/client-requests.js";
import { flashToolCallResponse, parallelToolCallStream } from "./fixtures/gemini-responses.js";

const signaturesOf = (contents: GeminiContent[]) =>
  contents.map((content) => content.parts.map((part) => part.thoughtSignature ?? null));

describe("signatures in: the three ways a Gemini 3 tool loop carries them", () => {
  test("1. the client echoes extra_content.google.thought_signature: it is sent back on the call", () => {
    const contents = convert(aiSdkSignedHistory).body.contents;
    expect(contents[1]).toEqual({
      role: "model",
      parts: [
        {
          functionCall: { name: "list_files", args: { path: "." } },
          thoughtSignature: "<sig from previous response>",
        },
      ],
    });
    expect(JSON.stringify(contents)).not.toContain("I should list files.");
  });

  test("2. the client dropped it (Cline 3, Roo): the gateway's stored signature is re-attached by call id", () => {
    const contents = convert(r05, { thoughtSignatures: new Map([["call_a1", "STORED_SIG"]]) }).body.contents;
    expect(signaturesOf(contents)).toEqual([[null], ["STORED_SIG", null], [null, null, null]]);
  });

  test("3. neither exists (history never seen): the placeholder on the first call of the step, not the second", () => {
    const contents = convert(r05).body.contents;
    expect(signaturesOf(contents)).toEqual([[null], [placeholderThoughtSignature, null], [null, null, null]]);
    expect(placeholderThoughtSignature).toBe("skip_thought_signature_validator");
  });

  test("the echoed signature wins over the stored one", () => {
    const contents = convert(aiSdkSignedHistory, { thoughtSignatures: new Map([["call_x1", "STORED"]]) }).body
      .contents;
    expect(contents[1]?.parts[0]?.thoughtSignature).toBe("<sig from previous response>");
  });

  test("Gemini 2.5 gets real signatures but never a placeholder", () => {
    expect(signaturesOf(convert(r04).body.contents)).toEqual([[null], [null, null], [null, null, null]]);
    const stored = convert(r04, { thoughtSignatures: new Map([["call_a1", "REAL"]]) }).body.contents;
    expect(stored[1]?.parts[0]?.thoughtSignature).toBe("REAL");
  });

  test("placeholders go on the first call of EACH step of the current turn only", () => {
    const call = (id: string) => ({ id, type: "function", function: { name: "f", arguments: "{}" } });
    const contents = convert({
      model: "gemini-3-flash-preview",
      messages: [
        userText("earlier turn"),
        { role: "assistant", content: null, tool_calls: [call("old")] },
        { role: "tool", tool_call_id: "old", content: "r" },
        { role: "assistant", content: "done" },
        userText("current turn"),
        { role: "assistant", content: "Let me look.", tool_calls: [call("s1a"), call("s1b")] },
        { role: "tool", tool_call_id: "s1a", content: "r" },
        { role: "tool", tool_call_id: "s1b", content: "r" },
        { role: "assistant", content: null, tool_calls: [call("s2")] },
        { role: "tool", tool_call_id: "s2", content: "r" },
      ],
    }).body.contents;
    expect(signaturesOf(contents)).toEqual([
      [null],
      [null],
      [null],
      [null],
      [null],
      [null, placeholderThoughtSignature, null],
      [null, null],
      [placeholderThoughtSignature],
      [null],
    ]);
  });

  test("a user content holding functionResponses and an image does not end the current turn", () => {
    const contents: GeminiContent[] = [
      { role: "user", parts: [{ text: "go" }] },
      { role: "model", parts: [{ functionCall: { name: "a", args: {} } }] },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "a", response: {} } },
          { inlineData: { mimeType: "image/png", data: "x" } },
        ],
      },
      { role: "model", parts: [{ functionCall: { name: "b", args: {} } }] },
    ];
    addPlaceholderThoughtSignatures(contents);
    expect(signaturesOf(contents)).toEqual([
      [null],
      [placeholderThoughtSignature],
      [null, null],
      [placeholderThoughtSignature],
    ]);
  });

  test.each([
    ["gemini-3-pro-preview", true],
    ["gemini-3-flash-preview", true],
    ["gemini-3.5-flash-lite", true],
    ["gemini-2.5-pro", false],
    ["gemini-2.0-flash", false],
    ["gemini-flash-latest", false],
  ])("%s requires signatures: %s", (model, required) => {
    expect(requiresThoughtSignatures(model)).toBe(required);
  });
});

describe("signatures out", () => {
  test("non-stream: the call carries extra_content and the pair is returned for storing", () => {
    const { completion, thoughtSignatures } = convertGeminiResponse(flashToolCallResponse, {
      id: "chatcmpl-1",
      created: 1,
      model: "gemini-2.5-flash",
      toolNames: createToolNameMap([]),
      reasoningOutput: "reasoning_content",
      newToolCallId: () => "call_one",
    });
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      {
        id: "call_one",
        type: "function",
        function: {
          name: "concatStringFunction",
          arguments: '{"firstString":"hello","secondString":"world"}',
        },
        extra_content: { google: { thought_signature: "CpUCAdHtim9pjKa0" } },
      },
    ]);
    expect(thoughtSignatures).toEqual([["call_one", "CpUCAdHtim9pjKa0"]]);
  });

  test("round trip: what the gateway stored from a parallel answer is replayed on the first call only", () => {
    let counter = 0;
    const answer = convertGeminiResponse(
      { candidates: parallelToolCallStream[0]?.candidates },
      {
        id: "chatcmpl-1",
        created: 1,
        model: "gemini-3-pro-preview",
        toolNames: createToolNameMap([]),
        reasoningOutput: "reasoning_content",
        newToolCallId: () => `call_${++counter}`,
      },
    );
    const toolCalls = answer.completion.choices[0]?.message.tool_calls ?? [];
    const stored = new Map(answer.thoughtSignatures);
    // Roo sends the calls back without extra_content.
    const contents = convert(
      {
        model: "gemini-3-pro-preview",
        messages: [
          userText("Read a.ts and b.ts"),
          {
            role: "assistant",
            content: "",
            tool_calls: toolCalls.map(({ extra_content: _dropped, ...call }) => call),
          },
          ...toolCalls.map((call) => ({ role: "tool", tool_call_id: call.id, content: "x" })),
        ],
      },
      { thoughtSignatures: stored },
    ).body.contents;
    expect(signaturesOf(contents)[1]).toEqual(["SIG_FIRST", null]);
  });
});
