import { describe, expect, test } from "@jest/globals";
import {
  accumulateMessage,
  messageStreamProblems,
  parseAnthropicSse,
  type StreamRecord,
} from "../../support/anthropic-stream.js";

/** A correct stream in Anthropic's documented shape: thinking with a signature, text, a tool call. */
const correct: unknown[] = [
  {
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 1 },
    },
  },
  { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } },
  { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "S" } },
  { type: "content_block_stop", index: 0 },
  { type: "ping" },
  { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Hi" } },
  { type: "content_block_stop", index: 1 },
  {
    type: "content_block_start",
    index: 2,
    content_block: { type: "tool_use", id: "toolu_1", name: "Read", input: {} },
  },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"a":' } },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "1}" } },
  { type: "content_block_stop", index: 2 },
  {
    type: "message_delta",
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: { output_tokens: 9 },
  },
  { type: "message_stop" },
];

const recordsOf = (events: unknown[]): StreamRecord[] =>
  events.map((event) => {
    const data = JSON.stringify(event);
    return { event: (event as { type: string }).type, data, json: JSON.parse(data) };
  });

const without = (position: number) => correct.filter((_event, index) => index !== position);
const replaced = (position: number, event: unknown) =>
  correct.map((original, index) => (index === position ? event : original));

describe("the Anthropic stream checker", () => {
  test("a correct stream has no problem and accumulates to the message a client gets", () => {
    expect(messageStreamProblems(recordsOf(correct), { model: "m" })).toEqual([]);
    expect(accumulateMessage(recordsOf(correct))).toEqual({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [
        { type: "thinking", thinking: "hmm", signature: "S" },
        { type: "text", text: "Hi" },
        { type: "tool_use", id: "toolu_1", name: "Read", input: { a: 1 } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 9 },
    });
  });

  test.each([
    ["no message_start", without(0), "before message_start"],
    [
      "a block index skipped",
      replaced(6, { type: "content_block_start", index: 3, content_block: { type: "text", text: "" } }),
      "expected 1",
    ],
    [
      "a delta of the wrong kind",
      replaced(7, {
        type: "content_block_delta",
        index: 1,
        delta: { type: "thinking_delta", thinking: "x" },
      }),
      "thinking_delta in a text block",
    ],
    ["a block never stopped", without(8), "starts while 1 is open"],
    [
      "a tool input that is not JSON",
      replaced(11, {
        type: "content_block_delta",
        index: 2,
        delta: { type: "input_json_delta", partial_json: "1" },
      }),
      "not JSON",
    ],
    [
      "a tool id without toolu_",
      replaced(9, {
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "call_1", name: "Read", input: {} },
      }),
      "tool id call_1",
    ],
    [
      "an unknown stop reason",
      replaced(13, { type: "message_delta", delta: { stop_reason: "stop" }, usage: { output_tokens: 1 } }),
      "stop_reason stop",
    ],
    ["no message_delta", without(13), "message_stop before message_delta"],
    ["no message_stop", without(14), "no message_stop"],
    ["an event after message_stop", [...correct, { type: "ping" }], "ping after message_stop"],
    [
      "an unexpected error event",
      [...correct.slice(0, 5), { type: "error", error: { type: "api_error", message: "x" } }],
      "unexpected error event",
    ],
  ])("%s is reported", (_name, events, problem) => {
    expect(messageStreamProblems(recordsOf(events)).join("\n")).toContain(problem);
  });

  test("an event whose name differs from its type is reported", () => {
    const records = recordsOf(correct);
    records[5] = { ...(records[5] as StreamRecord), event: "keepalive" };
    expect(messageStreamProblems(records).join("\n")).toContain("event name keepalive but type ping");
  });

  test("an expected error event must end the stream and carry Anthropic's envelope", () => {
    const broken = [...correct.slice(0, 5), { type: "error", error: { type: "api_error", message: "cut" } }];
    expect(messageStreamProblems(recordsOf(broken), { endsWithError: true })).toEqual([]);
    const unknownType = [...correct.slice(0, 5), { type: "error", error: { type: "boom", message: "cut" } }];
    expect(messageStreamProblems(recordsOf(unknownType), { endsWithError: true }).join("\n")).toContain(
      "unknown error type boom",
    );
  });

  test("parsing reads named events in any framing", () => {
    const lf = 'event: ping\ndata: {"type":"ping"}\n\n';
    expect(parseAnthropicSse(lf.replaceAll("\n", "\r\n"))).toEqual(parseAnthropicSse(lf));
    expect(parseAnthropicSse(lf)).toEqual([
      { event: "ping", data: '{"type":"ping"}', json: { type: "ping" } },
    ]);
  });
});
