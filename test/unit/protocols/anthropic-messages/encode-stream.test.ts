import { describe, expect, test } from "@jest/globals";
import type { Answer, AnswerEvent, AnswerSummary, Finish } from "../../../../src/engine/answer-events.js";
import { createMessageStreamEncoder } from "../../../../src/protocols/anthropic-messages/encode-stream.js";
import { renderMessage } from "../../../../src/protocols/anthropic-messages/render-message.js";
import { createToolNameMap } from "../../../../src/translate/tool-name-map.js";
import {
  accumulateMessage,
  assertMessageStreamInvariants,
  parseAnthropicSse,
} from "../../../support/anthropic-stream.js";

const toolNames = createToolNameMap(["Read", "my tool!"]);
const options = { messageId: "msg_test", model: "claude-opus-5-5", toolNames, thinkingBlocks: true };

const finish = (kind: Finish["kind"], madeToolCall = false, geminiReason = "STOP"): AnswerEvent => ({
  type: "finish",
  candidate: 0,
  finish: { kind, geminiReason, message: undefined, madeToolCall },
});
const text = (value: string): AnswerEvent => ({ type: "text", candidate: 0, text: value });
const reasoning = (value: string): AnswerEvent => ({ type: "reasoning", candidate: 0, text: value });
const signature = (value: string): AnswerEvent => ({ type: "signature", candidate: 0, signature: value });
const call = (id: string, name: string, args: Record<string, unknown>, signed?: string): AnswerEvent => ({
  type: "tool_call",
  candidate: 0,
  id,
  name,
  args,
  ...(signed === undefined ? {} : { signature: signed }),
});

const summary: AnswerSummary = {
  usage: {
    inputTokens: 1200,
    cachedInputTokens: 200,
    outputTokens: 90,
    reasoningTokens: 40,
    totalTokens: 1290,
  },
  geminiUsage: {},
  promptBlockReason: undefined,
  responseId: "resp",
  modelVersion: "gemini-2.5-pro",
};

/** The encoder's whole output for these events, then `finish(summary)`. */
function encode(events: AnswerEvent[], keepaliveAfter?: number): string {
  const encoder = createMessageStreamEncoder(options);
  let wire = encoder.start();
  events.forEach((event, position) => {
    wire += encoder.event(event);
    if (position === keepaliveAfter) wire += encoder.keepalive();
  });
  return wire + encoder.finish(summary);
}

const typesOf = (wire: string) =>
  parseAnthropicSse(wire).map((record) => {
    const json = record.json;
    if (json.type === "content_block_start") return `start ${json.index} ${json.content_block.type}`;
    if (json.type === "content_block_delta") return `delta ${json.index} ${json.delta.type}`;
    if (json.type === "content_block_stop") return `stop ${json.index}`;
    return json.type;
  });

describe("the event stream", () => {
  test("a text answer: the exact frames, named events, whole usage in message_delta", () => {
    const wire = encode([text("Hel"), text("lo"), finish("stop")]);
    expect(wire).toBe(
      [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_test","type":"message","role":"assistant","model":"claude-opus-5-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}\n\n',
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":1000,"output_tokens":90,"cache_creation_input_tokens":0,"cache_read_input_tokens":200}}\n\n',
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ].join(""),
    );
  });

  test("thinking then text; a text part's signature (Gemini 3 signs a text answer at its end) is not written", () => {
    const wire = encode([
      reasoning("**Plan**"),
      reasoning(" more"),
      text("An"),
      signature("SIG_TEXT"),
      text("swer"),
      signature("SIG_END"),
      finish("stop"),
    ]);
    expect(typesOf(wire)).toEqual([
      "message_start",
      "start 0 thinking",
      "delta 0 thinking_delta",
      "delta 0 thinking_delta",
      "stop 0",
      "start 1 text",
      "delta 1 text_delta",
      "delta 1 text_delta",
      "stop 1",
      "message_delta",
      "message_stop",
    ]);
    const records = parseAnthropicSse(wire);
    assertMessageStreamInvariants(records, { model: "claude-opus-5-5" });
    // One text block, last: Claude Code takes a message's last block for its result.
    expect(accumulateMessage(records).content).toEqual([
      { type: "thinking", thinking: "**Plan** more", signature: "" },
      { type: "text", text: "Answer" },
    ]);
  });

  test("thoughts then a signed call: the signature closes the thinking block right before the tool_use", () => {
    const wire = encode([
      reasoning("I should read it."),
      call("toolu_1", "Read", { file_path: "/a" }, "SIG_CALL"),
      finish("stop", true),
    ]);
    const records = parseAnthropicSse(wire);
    assertMessageStreamInvariants(records);
    const message = accumulateMessage(records);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "I should read it.", signature: "gemini:SIG_CALL" },
      { type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "/a" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  test("parallel calls after text: an empty signed thinking block for the first, the second unsigned; names back to the client's", () => {
    const geminiName = toolNames.toGemini("my tool!");
    const wire = encode([
      text("Both."),
      call("toolu_1", "Read", {}, "SIG"),
      call("toolu_2", geminiName, { x: 1 }),
      finish("stop", true),
    ]);
    expect(typesOf(wire)).toEqual([
      "message_start",
      "start 0 text",
      "delta 0 text_delta",
      "stop 0",
      "start 1 thinking",
      "delta 1 signature_delta",
      "stop 1",
      "start 2 tool_use",
      "delta 2 input_json_delta",
      "stop 2",
      "start 3 tool_use",
      "delta 3 input_json_delta",
      "stop 3",
      "message_delta",
      "message_stop",
    ]);
    const message = accumulateMessage(parseAnthropicSse(wire));
    expect(message.content[2]).toEqual({ type: "tool_use", id: "toolu_1", name: "Read", input: {} });
    expect(message.content[3]).toEqual({
      type: "tool_use",
      id: "toolu_2",
      name: "my tool!",
      input: { x: 1 },
    });
  });

  test.each([
    ["stop", false, "end_turn"],
    ["stop", true, "tool_use"],
    ["max_tokens", false, "max_tokens"],
    ["max_tokens", true, "tool_use"],
    ["refusal", false, "refusal"],
  ] as const)("finish %s (call made: %s) → stop_reason %s", (kind, madeToolCall, stopReason) => {
    const records = parseAnthropicSse(encode([text("x"), finish(kind, madeToolCall)]));
    expect(records.find((record) => record.event === "message_delta")?.json.delta.stop_reason).toBe(
      stopReason,
    );
  });

  test("no finish event at all (a blocked prompt with nothing said) still ends with message_delta and message_stop", () => {
    const records = parseAnthropicSse(encode([]));
    assertMessageStreamInvariants(records);
    expect(accumulateMessage(records)).toMatchObject({ content: [], stop_reason: "end_turn" });
  });

  test("a client that asked for no thinking gets no thinking block: signatures stay in the gateway's store", () => {
    const encoder = createMessageStreamEncoder({ ...options, thinkingBlocks: false });
    const events = [
      text("Both."),
      signature("SIG_TEXT"),
      call("toolu_1", "Read", {}, "SIG_CALL"),
      finish("stop", true),
    ];
    const wire =
      encoder.start() + events.map((event) => encoder.event(event)).join("") + encoder.finish(summary);
    const records = parseAnthropicSse(wire);
    assertMessageStreamInvariants(records);
    expect(accumulateMessage(records).content).toEqual([
      { type: "text", text: "Both." },
      { type: "tool_use", id: "toolu_1", name: "Read", input: {} },
    ]);
  });

  test("ping keep-alives may come anywhere and break nothing", () => {
    const wire = encode([reasoning("long thought"), text("done"), finish("stop")], 0);
    expect(wire).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    assertMessageStreamInvariants(parseAnthropicSse(wire));
  });

  test("other candidates are never written", () => {
    expect(
      typesOf(encode([{ type: "text", candidate: 1, text: "other" }, text("mine"), finish("stop")])),
    ).not.toContain("start 1 text");
  });

  test("a failure after the start is one error event in Anthropic's envelope, and nothing after it", () => {
    const encoder = createMessageStreamEncoder(options);
    const wire =
      encoder.start() +
      encoder.event(text("part")) +
      encoder.fail(
        { status: 502, code: "upstream_error", message: "Upstream stream interrupted: reset" },
        summary,
      );
    const records = parseAnthropicSse(wire);
    assertMessageStreamInvariants(records, { endsWithError: true });
    expect(records.at(-1)).toEqual({
      event: "error",
      data: '{"type":"error","error":{"type":"api_error","message":"Upstream stream interrupted: reset"}}',
      json: { type: "error", error: { type: "api_error", message: "Upstream stream interrupted: reset" } },
    });
  });

  test("the stream parses the same fed in 1-byte and 64-byte pieces", () => {
    const wire = encode([
      reasoning("t"),
      text("Hello, wörld ✓"),
      call("toolu_1", "Read", { a: "ü" }, "S"),
      finish("stop", true),
    ]);
    const whole = accumulateMessage(parseAnthropicSse(wire));
    for (const size of [1, 64]) {
      const pieces: string[] = [];
      for (let start = 0; start < wire.length; start += size) pieces.push(wire.slice(start, start + size));
      expect(accumulateMessage(parseAnthropicSse(pieces))).toEqual(whole);
    }
  });
});

describe("the whole message", () => {
  const answerOf = (events: AnswerEvent[]): Answer => {
    const finishEvent = events.find((event) => event.type === "finish");
    return {
      ...summary,
      candidates: [
        {
          index: 0,
          parts: events.filter(
            (event): event is Exclude<AnswerEvent, { type: "finish" }> => event.type !== "finish",
          ),
          finish:
            finishEvent?.type === "finish"
              ? finishEvent.finish
              : { kind: "stop", geminiReason: "STOP", message: undefined, madeToolCall: false },
        },
      ],
    };
  };

  test.each([
    ["text", [text("Hello"), finish("stop")]],
    ["thinking, text, signature", [reasoning("hmm"), text("Answer"), signature("SIG"), finish("stop")]],
    [
      "signed call",
      [reasoning("plan"), call("toolu_1", "Read", { file_path: "/a" }, "SIG"), finish("stop", true)],
    ],
    [
      "text and two calls",
      [
        text("Both."),
        call("toolu_1", "Read", {}, "SIG"),
        call("toolu_2", "Read", { b: 2 }),
        finish("stop", true),
      ],
    ],
    ["cut by the limit", [text("Half"), finish("max_tokens", false, "MAX_TOKENS")]],
  ])("%s: the same content, stop reason and usage as the stream", (_name, events) => {
    const fromStream = accumulateMessage(parseAnthropicSse(encode(events)));
    expect(renderMessage(answerOf(events), options)).toEqual(fromStream);
  });

  test("a message: id, model as asked, usage with cache reads apart", () => {
    expect(renderMessage(answerOf([text("Hi"), finish("stop")]), options)).toEqual({
      id: "msg_test",
      type: "message",
      role: "assistant",
      model: "claude-opus-5-5",
      content: [{ type: "text", text: "Hi" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 1000,
        output_tokens: 90,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 200,
      },
    });
  });

  test("a blocked prompt: no content, stop_reason refusal", () => {
    const answer: Answer = {
      ...summary,
      promptBlockReason: "SAFETY",
      candidates: [
        {
          index: 0,
          parts: [],
          finish: { kind: "refusal", geminiReason: undefined, message: undefined, madeToolCall: false },
        },
      ],
    };
    expect(renderMessage(answer, options)).toMatchObject({ content: [], stop_reason: "refusal" });
  });
});
