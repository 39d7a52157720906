import { describe, expect, test } from "@jest/globals";
import { GatewayError } from "../../../src/errors.js";
import { parseChatCompletionRequest } from "../../../src/openai/chat-request-schema.js";
import {
  aiSdkSignedHistory,
  r01,
  r02,
  r03,
  r04,
  r07,
  r09,
  r11,
  r12,
  r13,
  r14,
  r20,
} from "./fixtures/client-requests.js";

function errorOf(body: unknown): GatewayError {
  try {
    parseChatCompletionRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("the body was accepted");
}

describe("every replay body is accepted", () => {
  test.each([
    ["R01", r01],
    ["R02", r02],
    ["R03", r03],
    ["R04", r04],
    ["R07", r07],
    ["R09", r09],
    ["R11", r11],
    ["R12", r12],
    ["R13", r13],
    ["R14", r14],
    ["R20", r20],
    ["AI SDK signed history", aiSdkSignedHistory],
  ])("%s", (_name, body) => {
    expect(() => parseChatCompletionRequest(body)).not.toThrow();
  });

  test.each(["none", "minimal", "low", "medium", "high", "xhigh", "max"])(
    "R08 reasoning_effort %s",
    (effort) => {
      expect(parseChatCompletionRequest({ ...r07, reasoning_effort: effort }).reasoning_effort).toBe(effort);
    },
  );

  test("null for an optional field means unset", () => {
    const parsed = parseChatCompletionRequest({
      ...r11,
      temperature: null,
      tools: null,
      stop: null,
      max_tokens: null,
    });
    expect(parsed.temperature).toBeNull();
  });
});

describe("unknown fields are accepted and dropped", () => {
  test("top level, messages, parts, tool calls and stream_options", () => {
    const parsed = parseChatCompletionRequest({
      ...r02,
      user: "u",
      metadata: { k: "v" },
      store: true,
      verbosity: "low",
      reasoning: {},
      thinking: { type: "adaptive" },
      stream_options: { include_usage: true, include_obfuscation: false },
      messages: [
        { role: "system", content: [{ type: "text", text: "s", cache_control: { type: "ephemeral" } }] },
        {
          role: "assistant",
          content: null,
          reasoning_content: "r",
          reasoning_details: [],
          tool_calls: [
            {
              id: "c1",
              type: "function",
              function: { name: "read_file", arguments: "{}" },
              extra_content: { google: { thought_signature: "sig", other: 1 } },
            },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "x", name: "read_file" },
      ],
    });
    const serialized = JSON.stringify(parsed);
    for (const field of [
      "user",
      "metadata",
      "store",
      "verbosity",
      "reasoning",
      "thinking",
      "include_obfuscation",
      "cache_control",
      "reasoning_details",
      "parallel_tool_calls",
      '"other"',
    ]) {
      expect(serialized).not.toContain(field.startsWith('"') ? field : `"${field}"`);
    }
    expect(serialized).toContain('"thought_signature":"sig"');
  });
});

describe("invalid bodies are a 400 naming the field", () => {
  const cases: Array<[string, unknown, string | null, RegExp]> = [
    ["not an object", [], null, /JSON object/],
    ["no model", { messages: r11.messages }, "model", /'model' is required/],
    ["model not a string", { ...r11, model: 42 }, "model", /'model' must be a string, not a number/],
    ["no messages", { model: "m" }, "messages", /'messages' is required/],
    ["empty messages", { model: "m", messages: [] }, "messages", /at least 1/],
    [
      "unknown role",
      { model: "m", messages: [r11.messages[0], r11.messages[0], { role: "bot", content: "x" }] },
      "messages[2].role",
      /'messages\[2\]\.role' has an unknown value "bot"; expected one of: .*assistant/,
    ],
    ["missing role", { model: "m", messages: [{ content: "x" }] }, "messages[0].role", /is required/],
    [
      "content of the wrong type",
      { model: "m", messages: [{ role: "user", content: 5 }] },
      "messages[0].content",
      /'messages\[0\]\.content' must be a string or an array, not a number/,
    ],
    [
      "text part without text",
      { model: "m", messages: [{ role: "user", content: [{ type: "text" }] }] },
      "messages[0].content[0].text",
      /'messages\[0\]\.content\[0\]\.text' is required/,
    ],
    [
      "unknown part type",
      { model: "m", messages: [{ role: "user", content: [{ type: "hologram" }] }] },
      "messages[0].content[0].type",
      /unknown value "hologram"/,
    ],
    [
      "tool message without tool_call_id",
      { model: "m", messages: [{ role: "tool", content: "x" }] },
      "messages[0].tool_call_id",
      /is required/,
    ],
    [
      "tool call without a function name",
      {
        model: "m",
        messages: [{ role: "assistant", tool_calls: [{ id: "c", type: "function", function: {} }] }],
      },
      "messages[0].tool_calls[0].function.name",
      /is required/,
    ],
    [
      "temperature out of range",
      { ...r11, temperature: 5 },
      "temperature",
      /'temperature' must be at most 2/,
    ],
    ["max_tokens not an integer", { ...r11, max_tokens: 1.5 }, "max_tokens", /'max_tokens'/],
    ["stream not a boolean", { ...r11, stream: "yes" }, "stream", /'stream' must be a boolean, not a string/],
    [
      "unknown reasoning_effort",
      { ...r11, reasoning_effort: "extreme" },
      "reasoning_effort",
      /unknown value "extreme"/,
    ],
    [
      "unknown tool_choice",
      { ...r02, tool_choice: "sometimes" },
      "tool_choice",
      /'tool_choice' has an unknown value "sometimes"; expected one of: auto, none, required/,
    ],
    [
      "stop of the wrong type",
      { ...r11, stop: 5 },
      "stop",
      /'stop' must be a string or an array, not a number/,
    ],
    [
      "tool without a name",
      { ...r11, tools: [{ type: "function", function: {} }] },
      "tools[0].function.name",
      /is required/,
    ],
    [
      "unknown response_format",
      { ...r11, response_format: { type: "yaml" } },
      "response_format.type",
      /unknown value "yaml"/,
    ],
  ];
  test.each(cases)("%s", (_name, body, param, message) => {
    const error = errorOf(body);
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });
});
