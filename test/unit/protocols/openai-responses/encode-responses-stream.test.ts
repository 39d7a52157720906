import type { Answer, AnswerEvent, AnswerSummary, Finish } from "../../../../src/engine/answer-events.js";
import { convertResponsesTools } from "../../../../src/protocols/openai-responses/convert-responses-tools.js";
import { encodeResponsesStream } from "../../../../src/protocols/openai-responses/encode-responses-stream.js";
import { renderResponse } from "../../../../src/protocols/openai-responses/render-response.js";
import { outputItemIds } from "../../../../src/protocols/openai-responses/response-ids.js";
import { responseEcho } from "../../../../src/protocols/openai-responses/response-object.js";
import { decodeSignatureCarrier } from "../../../../src/protocols/openai-responses/thought-signature-carrier.js";
import { checkResponsesStream } from "../../../support/responses-stream.js";
import { parseSse } from "../../../support/sse.js";

const RESPONSE_ID = "resp_0123456789abcdef0123456789abcdef";
const tools = convertResponsesTools(
  [
    {
      type: "function",
      name: "exec_command",
      parameters: { type: "object", properties: { cmd: { type: "string" } } },
    },
    { type: "custom", name: "apply_patch", format: { type: "text" } },
    {
      type: "namespace",
      name: "multi_agent_v1",
      description: "Sub-agents.",
      tools: [{ type: "function", name: "close_agent", parameters: { type: "object" } }],
    },
  ],
  "auto",
  [],
  "json-schema",
).map;

const usage = {
  inputTokens: 120,
  cachedInputTokens: 20,
  outputTokens: 30,
  reasoningTokens: 12,
  totalTokens: 150,
};
const summary: AnswerSummary = {
  usage,
  geminiUsage: {
    promptTokenCount: 120,
    candidatesTokenCount: 18,
    thoughtsTokenCount: 12,
    totalTokenCount: 150,
  },
  promptBlockReason: undefined,
  responseId: "gemini-response-id",
  modelVersion: "gemini-2.5-flash",
};

function stop(madeToolCall = false): Finish {
  return { kind: "stop", geminiReason: "STOP", message: undefined, madeToolCall };
}

interface EncodeOptions {
  includeEncryptedContent?: boolean;
  carrySignatures?: boolean;
}

/** Runs events through a fresh encoder and returns the parsed, checked stream. */
function encode(events: AnswerEvent[], options: EncodeOptions = {}, ending: "finish" | "fail" = "finish") {
  const encoder = encodeResponsesStream({
    header: {
      id: RESPONSE_ID,
      createdAt: 1_700_000_000,
      model: "gpt-5-codex",
      echo: responseEcho({ model: "gpt-5-codex", input: "hi", store: false }),
    },
    newItemId: outputItemIds(RESPONSE_ID),
    tools,
    carrySignatures: options.carrySignatures ?? true,
    includeEncryptedContent: options.includeEncryptedContent ?? true,
    now: () => 1_700_000_009,
  });
  let text = encoder.start();
  for (const event of events) text += encoder.event(event);
  text +=
    ending === "finish"
      ? encoder.finish(summary)
      : encoder.fail({ status: 503, code: null, message: "The upstream stream broke." }, summary);
  const sse = parseSse(text).events;
  const response = checkResponsesStream(sse);
  return { text, sse, types: sse.map((record) => record.json.type), response, encoder };
}

describe("the Responses stream encoder", () => {
  test("a text answer: lifecycle, one message with its part and deltas, completed with usage", () => {
    const { types, response, sse } = encode([
      { type: "text", candidate: 0, text: "Hel" },
      { type: "text", candidate: 0, text: "lo" },
      { type: "finish", candidate: 0, finish: stop() },
    ]);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(sse[0]?.json.response).toMatchObject({
      id: RESPONSE_ID,
      status: "in_progress",
      model: "gpt-5-codex",
      output: [],
      usage: null,
      store: false,
    });
    expect(response).toMatchObject({
      status: "completed",
      completed_at: 1_700_000_009,
      incomplete_details: null,
      error: null,
      output: [
        {
          type: "message",
          id: `msg_${RESPONSE_ID.slice(5)}_0`,
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: "Hello", annotations: [] }],
        },
      ],
      usage: {
        input_tokens: 120,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 12 },
        total_tokens: 150,
      },
    });
  });

  test("thoughts become a reasoning item with summary text deltas, closed when the text starts", () => {
    const { types, response } = encode([
      { type: "reasoning", candidate: 0, text: "**Plan** " },
      { type: "reasoning", candidate: 0, text: "list files" },
      { type: "text", candidate: 0, text: "Done." },
      { type: "finish", candidate: 0, finish: stop() },
    ]);
    expect(types.slice(2, 9)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
    ]);
    expect(response.output.map((item: { type: string }) => item.type)).toEqual(["reasoning", "message"]);
    expect(response.output[0]).toEqual({
      type: "reasoning",
      id: `rs_${RESPONSE_ID.slice(5)}_0`,
      summary: [{ type: "summary_text", text: "**Plan** list files" }],
    });
  });

  test("a signed function call: the signature rides in the reasoning item before it, keyed by call id", () => {
    const { response, types } = encode([
      { type: "reasoning", candidate: 0, text: "I should look." },
      {
        type: "tool_call",
        candidate: 0,
        id: "call_first",
        name: "exec_command",
        args: { cmd: "ls" },
        signature: "sig-for-first-call",
      },
      { type: "tool_call", candidate: 0, id: "call_second", name: "exec_command", args: { cmd: "pwd" } },
      { type: "finish", candidate: 0, finish: stop(true) },
    ]);
    expect(response.output.map((item: { type: string }) => item.type)).toEqual([
      "reasoning",
      "function_call",
      "function_call",
    ]);
    expect(decodeSignatureCarrier(response.output[0].encrypted_content)).toEqual([
      { callId: "call_first", signature: "sig-for-first-call" },
    ]);
    expect(response.output[1]).toEqual({
      type: "function_call",
      id: `fc_${RESPONSE_ID.slice(5)}_1`,
      status: "completed",
      call_id: "call_first",
      name: "exec_command",
      arguments: '{"cmd":"ls"}',
    });
    expect(types.filter((type) => type.startsWith("response.function_call_arguments"))).toEqual([
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
    ]);
  });

  test("a signed call without thoughts gets a reasoning item of its own, with an empty summary", () => {
    const { response } = encode([
      { type: "tool_call", candidate: 0, id: "call_a", name: "exec_command", args: {}, signature: "sig-a" },
      { type: "finish", candidate: 0, finish: stop(true) },
    ]);
    expect(response.output[0]).toMatchObject({ type: "reasoning", summary: [] });
    expect(decodeSignatureCarrier(response.output[0].encrypted_content)).toEqual([
      { callId: "call_a", signature: "sig-a" },
    ]);
    expect(response.output[1]).toMatchObject({ type: "function_call", call_id: "call_a", arguments: "{}" });
  });

  test("the signature of a text answer (Gemini 3 signs its end) rides in a reasoning item after the message", () => {
    const { response } = encode([
      { type: "text", candidate: 0, text: "All done." },
      { type: "signature", candidate: 0, signature: "sig-of-text" },
      { type: "finish", candidate: 0, finish: stop() },
    ]);
    expect(response.output.map((item: { type: string }) => item.type)).toEqual(["message", "reasoning"]);
    expect(decodeSignatureCarrier(response.output[1].encrypted_content)).toEqual([
      { signature: "sig-of-text" },
    ]);
  });

  test("without include, carriers are kept for the store but not shown; without carrying, no reasoning item", () => {
    const events: AnswerEvent[] = [
      { type: "tool_call", candidate: 0, id: "call_a", name: "exec_command", args: {}, signature: "sig-a" },
      { type: "finish", candidate: 0, finish: stop(true) },
    ];
    const hidden = encode(events, { includeEncryptedContent: false });
    expect(hidden.response.output[0]).toEqual({ type: "reasoning", id: expect.any(String), summary: [] });
    expect(hidden.text).not.toContain("sig-a");
    expect(
      decodeSignatureCarrier(
        hidden.encoder.finalResponse?.output[0]?.type === "reasoning"
          ? hidden.encoder.finalResponse.output[0].encrypted_content
          : undefined,
      ),
    ).toEqual([{ callId: "call_a", signature: "sig-a" }]);
    const uncarried = encode(events, { carrySignatures: false, includeEncryptedContent: false });
    expect(uncarried.response.output.map((item: { type: string }) => item.type)).toEqual(["function_call"]);
  });

  test("custom and namespace tools are answered the way Codex routes them", () => {
    const { response, types } = encode([
      {
        type: "tool_call",
        candidate: 0,
        id: "call_patch",
        name: "apply_patch",
        args: { input: "*** Begin Patch" },
      },
      {
        type: "tool_call",
        candidate: 0,
        id: "call_close",
        name: "multi_agent_v1.close_agent",
        args: { target: "a1" },
      },
      { type: "finish", candidate: 0, finish: stop(true) },
    ]);
    expect(response.output[0]).toEqual({
      type: "custom_tool_call",
      id: `ctc_${RESPONSE_ID.slice(5)}_0`,
      status: "completed",
      call_id: "call_patch",
      name: "apply_patch",
      input: "*** Begin Patch",
    });
    expect(response.output[1]).toMatchObject({
      type: "function_call",
      name: "close_agent",
      namespace: "multi_agent_v1",
      arguments: '{"target":"a1"}',
    });
    expect(types).toContain("response.custom_tool_call_input.delta");
    expect(types).toContain("response.custom_tool_call_input.done");
  });

  test.each([
    ["max_tokens", "max_output_tokens"],
    ["refusal", "content_filter"],
  ] as const)(
    "a %s finish ends with response.incomplete (%s), the open message incomplete",
    (kind, reason) => {
      const { types, response } = encode([
        { type: "text", candidate: 0, text: "Cut" },
        {
          type: "finish",
          candidate: 0,
          finish: { kind, geminiReason: "X", message: undefined, madeToolCall: false },
        },
      ]);
      expect(types.at(-1)).toBe("response.incomplete");
      expect(response).toMatchObject({ status: "incomplete", incomplete_details: { reason } });
      expect(response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    },
  );

  test("a failure after the start closes the open item and ends with response.failed, never silently", () => {
    const { types, response } = encode([{ type: "text", candidate: 0, text: "Part" }], {}, "fail");
    expect(types.slice(-3)).toEqual([
      "response.content_part.done",
      "response.output_item.done",
      "response.failed",
    ]);
    expect(response).toMatchObject({
      status: "failed",
      error: { code: "server_error", message: "The upstream stream broke." },
      output: [{ type: "message", status: "incomplete", content: [{ text: "Part" }] }],
    });
  });

  test("a rate-limit failure says rate_limit_exceeded, which Codex retries", () => {
    const encoder = encodeResponsesStream({
      header: { id: RESPONSE_ID, createdAt: 1, model: "m", echo: responseEcho({ model: "m", input: "x" }) },
      newItemId: outputItemIds(RESPONSE_ID),
      tools,
      carrySignatures: false,
      includeEncryptedContent: false,
    });
    const text =
      encoder.start() +
      encoder.fail({ status: 429, code: null, message: "Every key rests; try again in 7s." }, summary);
    const response = checkResponsesStream(parseSse(text).events);
    expect(response.error).toEqual({
      code: "rate_limit_exceeded",
      message: "Every key rests; try again in 7s.",
    });
  });

  test("keep-alives are SSE comments, which every client skips", () => {
    const encoder = encodeResponsesStream({
      header: { id: RESPONSE_ID, createdAt: 1, model: "m", echo: responseEcho({ model: "m", input: "x" }) },
      newItemId: outputItemIds(RESPONSE_ID),
      tools,
      carrySignatures: false,
      includeEncryptedContent: false,
    });
    const text = encoder.start() + encoder.keepalive() + encoder.finish(summary);
    const parsed = parseSse(text);
    expect(parsed.comments).toEqual([{ text: "keep-alive", afterEvents: 2 }]);
    expect(checkResponsesStream(parsed.events).status).toBe("completed");
  });

  test("other candidates are ignored: the Responses API has one output", () => {
    const { response } = encode([
      { type: "text", candidate: 1, text: "second candidate" },
      { type: "text", candidate: 0, text: "first" },
      { type: "finish", candidate: 0, finish: stop() },
    ]);
    expect(JSON.stringify(response.output)).not.toContain("second candidate");
  });
});

describe("the whole-response renderer", () => {
  test("gives the same response object as the stream for the same answer", () => {
    const parts: Answer["candidates"][number]["parts"] = [
      { type: "reasoning", candidate: 0, text: "Thinking." },
      {
        type: "tool_call",
        candidate: 0,
        id: "call_x",
        name: "exec_command",
        args: { cmd: "ls" },
        signature: "sig",
      },
    ];
    const finish = stop(true);
    const streamed = encode([...parts, { type: "finish", candidate: 0, finish }]).encoder.finalResponse;
    const rendered = renderResponse(
      { ...summary, candidates: [{ index: 0, parts, finish }] },
      {
        header: {
          id: RESPONSE_ID,
          createdAt: 1_700_000_000,
          model: "gpt-5-codex",
          echo: responseEcho({ model: "gpt-5-codex", input: "hi", store: false }),
        },
        newItemId: outputItemIds(RESPONSE_ID),
        tools,
        carrySignatures: true,
        includeEncryptedContent: true,
        completedAt: 1_700_000_009,
      },
    );
    expect(rendered).toEqual(streamed);
  });
});
