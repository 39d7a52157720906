/**
 * The request Claude Code 2.1.328 really sent, replayed through the translator into the project's fake
 * Gemini (strict per the wire reference): it must be a request Gemini accepts, on every model family,
 * and a Gemini 3 tool loop carried through the Anthropic wire format must never hit the
 * "missing thought_signature" 400.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { AnswerEvent } from "../../../../src/engine/answer-events.js";
import { createGeminiEventConverter } from "../../../../src/engine/convert-gemini-to-events.js";
import type { GeminiGenerateContentResponse } from "../../../../src/gemini/wire-types.js";
import { convertCountTokensRequest } from "../../../../src/protocols/anthropic-messages/convert-request.js";
import { createMessageStreamEncoder } from "../../../../src/protocols/anthropic-messages/encode-stream.js";
import { parseCountTokensRequest } from "../../../../src/protocols/anthropic-messages/request-schema.js";
import { placeholderThoughtSignature } from "../../../../src/translate/add-placeholder-thought-signatures.js";
import { reply, startFakeGemini } from "../../../fake-gemini/index.js";
import { callFake, sseEvents } from "../../../fake-gemini/test-client.js";
import type { FakeGemini } from "../../../fake-gemini/types.js";
import {
  accumulateMessage,
  assertMessageStreamInvariants,
  parseAnthropicSse,
} from "../../../support/anthropic-stream.js";
import { claudeCodeAliases, claudeCodeCapture, convert } from "./helpers.js";

const KEY = "fake-key-replay-0001";
let fake: FakeGemini;

beforeAll(async () => {
  fake = await startFakeGemini({ keys: [KEY] });
});
afterAll(async () => {
  await fake.close();
});

async function generate(model: string, body: unknown, stream = false) {
  const action = stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return callFake(fake, `/v1beta/models/${model}:${action}`, { body, apiKey: KEY });
}

/** Gemini chunks → answer events, through the engine's own converter. */
function answerEventsOf(chunks: GeminiGenerateContentResponse[]): AnswerEvent[] {
  let calls = 0;
  const converter = createGeminiEventConverter({
    newToolCallId: () => `toolu_replay${++calls}`,
    includeReasoning: true,
  });
  return [...chunks.flatMap((chunk) => converter.push(chunk)), ...converter.finishEvents()];
}

const summary = {
  usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5, reasoningTokens: 0, totalTokens: 15 },
  geminiUsage: {},
  promptBlockReason: undefined,
  responseId: undefined,
  modelVersion: undefined,
};

describe("the recorded Claude Code request", () => {
  test.each([
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "gemini-2.5-flash-lite",
    "gemini-3-pro-preview",
    "gemini-3-flash-preview",
  ])("translated for %s, the fake Gemini accepts it (streaming and not)", async (model) => {
    for (const kind of ["stream", "nonstream"] as const) {
      const capture = claudeCodeCapture(kind);
      const converted = convert({ ...capture.body, model });
      const answer = await generate(model, converted.body, converted.stream);
      expect({ kind, status: answer.status, text: answer.text.slice(0, 300) }).toEqual({
        kind,
        status: 200,
        text: expect.any(String),
      });
    }
  });

  test("its tools reach Gemini; the placeholder tool of deferred loading does not", () => {
    const converted = convert(claudeCodeCapture("stream").body, { modelAliases: claudeCodeAliases });
    const names = converted.body.tools?.[0]?.functionDeclarations?.map((declaration) => declaration.name);
    expect(names).toEqual([
      "Agent",
      "Bash",
      "Edit",
      "ListAgents",
      "Read",
      "ReportFindings",
      "ScheduleWakeup",
      "Skill",
      "ToolSearch",
      "Workflow",
      "Write",
    ]);
    expect(converted.body.systemInstruction?.parts).toHaveLength(4);
    expect(converted.body.generationConfig).toEqual({
      maxOutputTokens: 32000,
      thinkingConfig: { thinkingBudget: 24576 },
    });
  });

  test("under Claude Code's own model name, MODEL_ALIASES picks the Gemini model and the fake accepts it", async () => {
    const capture = claudeCodeCapture("stream");
    const converted = convert(
      { ...capture.body, model: "claude-opus-5-5" },
      { modelAliases: claudeCodeAliases },
    );
    expect(converted.model).toBe("gemini-2.5-pro");
    expect((await generate(converted.model, converted.body)).status).toBe(200);
  });

  test("its count_tokens form is accepted by Gemini's countTokens", async () => {
    const body = claudeCodeCapture("stream").body;
    const converted = convertCountTokensRequest(parseCountTokensRequest(body), {
      modelAliases: [],
      thoughtSignatures: new Map(),
      remoteMedia: new Map(),
      reasoningOutput: "reasoning_content",
    });
    const answer = await callFake(fake, `/v1beta/models/${converted.model}:countTokens`, {
      body: converted.body,
      apiKey: KEY,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ totalTokens: expect.any(Number) });
  });
});

describe("Claude Code's other requests", () => {
  test("the session title (interactive sessions): no tools, JSON output, medium effort, accepted", async () => {
    const converted = convert(claudeCodeCapture("session-title").body, { modelAliases: claudeCodeAliases });
    expect(converted.body.tools).toBeUndefined();
    expect(converted.body.generationConfig).toEqual({
      maxOutputTokens: 65536,
      responseMimeType: "application/json",
      responseJsonSchema: claudeCodeCapture("session-title").body.output_config.format.schema,
      thinkingConfig: { thinkingBudget: 8192 },
    });
    fake.enqueue(reply.text('{"title": "Python hello script"}'));
    const answer = await generate(converted.model, converted.body, true);
    expect(answer.status).toBe(200);
  });

  test("the WebSearch tool's request: Gemini's own search, no calling config, accepted", async () => {
    const converted = convert(claudeCodeCapture("web-search").body);
    expect(converted.body.tools).toEqual([{ googleSearch: {} }]);
    expect(converted.body.toolConfig).toBeUndefined();
    expect((await generate(converted.model, converted.body, true)).status).toBe(200);
  });
});

describe("a Gemini 3 tool loop through the Anthropic wire format", () => {
  const model = "gemini-3-flash-preview";

  /** Turn 1 through the fake and the stream encoder: the assistant message Claude Code keeps. */
  async function firstTurn() {
    const capture = claudeCodeCapture("stream").body;
    const converted = convert({ ...capture, model });
    fake.enqueue(reply.functionCalls([{ name: "Read", args: { file_path: "/tmp/note.txt" } }]));
    const answer = await generate(model, converted.body, true);
    expect(answer.status).toBe(200);
    const events = answerEventsOf(sseEvents(answer.text) as GeminiGenerateContentResponse[]);
    const encoder = createMessageStreamEncoder({
      messageId: "msg_replay",
      model,
      toolNames: converted.toolNames,
      thinkingBlocks: converted.thinkingBlocks,
    });
    const wire =
      encoder.start() + events.map((event) => encoder.event(event)).join("") + encoder.finish(summary);
    const records = parseAnthropicSse(wire);
    assertMessageStreamInvariants(records, { model });
    return {
      capture,
      message: accumulateMessage(records),
      geminiSignature: events.find((event) => event.type === "tool_call")?.signature,
    };
  }

  function secondTurn(capture: any, assistantContent: unknown[], toolUseId: string) {
    return {
      ...capture,
      model,
      messages: [
        ...capture.messages,
        { role: "assistant", content: assistantContent },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: toolUseId, content: "the secret word is pineapple" }],
        },
      ],
    };
  }

  test("the call's signature rides in a thinking block and comes back on the call: the fake accepts the next turn", async () => {
    const { capture, message, geminiSignature } = await firstTurn();
    expect(geminiSignature).toEqual(expect.any(String));
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((block: { type: string }) => block.type)).toEqual(["thinking", "tool_use"]);
    expect(message.content[0].signature).toBe(`gemini:${geminiSignature}`);

    const next = convert(secondTurn(capture, message.content, message.content[1].id));
    const call = next.body.contents.flatMap((content) => content.parts).find((part) => part.functionCall);
    expect(call?.thoughtSignature).toBe(geminiSignature);
    fake.enqueue(reply.text("The word is pineapple."));
    const answer = await generate(model, next.body, true);
    expect({ status: answer.status, text: answer.status === 200 ? "" : answer.text }).toEqual({
      status: 200,
      text: "",
    });
  });

  test("a client that drops thinking blocks: the signature stored by tool-use id is used instead", async () => {
    const { capture, message, geminiSignature } = await firstTurn();
    const toolUse = message.content[1];
    const next = convert(secondTurn(capture, [toolUse], toolUse.id), {
      thoughtSignatures: new Map([[toolUse.id, geminiSignature ?? ""]]),
    });
    expect(
      next.body.contents.flatMap((content) => content.parts).find((part) => part.functionCall)
        ?.thoughtSignature,
    ).toBe(geminiSignature);
    expect((await generate(model, next.body)).status).toBe(200);
  });

  test("history from elsewhere (no signature anywhere): the documented placeholder, accepted", async () => {
    const capture = claudeCodeCapture("stream").body;
    const next = convert(
      secondTurn(
        capture,
        [{ type: "tool_use", id: "toolu_elsewhere", name: "Read", input: { file_path: "/x" } }],
        "toolu_elsewhere",
      ),
    );
    expect(
      next.body.contents.flatMap((content) => content.parts).find((part) => part.functionCall)
        ?.thoughtSignature,
    ).toBe(placeholderThoughtSignature);
    expect((await generate(model, next.body)).status).toBe(200);
  });
});
