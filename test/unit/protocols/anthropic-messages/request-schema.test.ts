import { describe, expect, test } from "@jest/globals";
import {
  parseCountTokensRequest,
  parseMessagesRequest,
} from "../../../../src/protocols/anthropic-messages/request-schema.js";
import { claudeCodeCapture, request } from "./helpers.js";

describe("what Claude Code sends is accepted", () => {
  test.each(["stream", "nonstream"] as const)(
    "the recorded %s request parses, with what has no Gemini meaning left out",
    (kind) => {
      const parsed = parseMessagesRequest(claudeCodeCapture(kind).body);
      expect(parsed.stream).toBe(kind === "stream");
      expect(parsed.messages.map((message) => message.role)).toEqual(["user", "system"]);
      expect(parsed.tools).toHaveLength(12);
      expect(parsed.thinking).toEqual({ type: "adaptive", display: "omitted" });
      expect(parsed.output_config).toEqual({ effort: "high" });
      const kept = JSON.stringify(parsed);
      for (const dropped of ["cache_control", "context_management", "metadata", "user_id"])
        expect(kept).not.toContain(dropped);
    },
  );

  test("fields Anthropic added that have no Gemini meaning are accepted and dropped", () => {
    const parsed = parseMessagesRequest(
      request(
        [
          {
            role: "user",
            content: [
              { type: "text", text: "q", citations: null, cache_control: { type: "ephemeral", ttl: "1h" } },
            ],
          },
        ],
        {
          container: "cntr_1",
          service_tier: "auto",
          inference_geo: "us",
          mcp_servers: [],
          tools: [
            {
              name: "t",
              input_schema: { type: "object" },
              strict: true,
              input_examples: [{}],
              eager_input_streaming: true,
              cache_control: { type: "ephemeral" },
            },
          ],
        },
      ),
    );
    expect(parsed.tools).toEqual([{ name: "t", input_schema: { type: "object" } }]);
  });

  test("count_tokens needs no max_tokens", () => {
    expect(
      parseCountTokensRequest({ model: "m", messages: [{ role: "user", content: "q" }] }).messages,
    ).toHaveLength(1);
  });
});

describe("real mistakes are 400s naming the field", () => {
  test.each([
    [[], "", "The request body must be a JSON object."],
    [{ ...request([]), messages: undefined }, "messages", "'messages' is required."],
    [request([]), "messages", "'messages' must contain at least 1 item(s)."],
    [{ model: "m", messages: [{ role: "user", content: "q" }] }, "max_tokens", "'max_tokens' is required."],
    [
      request([{ role: "user", content: "q" }], { max_tokens: 0 }),
      "max_tokens",
      "'max_tokens' must be at least 1.",
    ],
    [request([{ role: "tool", content: "q" }]), "messages[0].role", 'has an unknown value "tool"'],
    [
      request([{ role: "user", content: [{ type: "txt", text: "q" }] }]),
      "messages[0].content[0].type",
      'has an unknown value "txt"',
    ],
    [
      request([{ role: "user", content: [{ type: "text" }] }]),
      "messages[0].content[0].text",
      "'messages[0].content[0].text' is required.",
    ],
    [
      request([{ role: "user", content: [{ type: "image", source: { type: "base64", data: "x" } }] }]),
      "messages[0].content[0].source.media_type",
      "is required",
    ],
    [
      request([{ role: "user", content: "q" }], { tool_choice: { type: "sometimes" } }),
      "tool_choice.type",
      'unknown value "sometimes"',
    ],
    [
      request([{ role: "user", content: "q" }], { tool_choice: { type: "tool" } }),
      "tool_choice.name",
      "is required",
    ],
    [
      request([{ role: "user", content: "q" }], { thinking: { type: "enabled" } }),
      "thinking.budget_tokens",
      "is required",
    ],
    [
      request([{ role: "user", content: "q" }], { output_config: { effort: "extreme" } }),
      "output_config.effort",
      'unknown value "extreme"',
    ],
    [request([{ role: "user", content: "q" }], { temperature: 3 }), "temperature", "must be at most 2"],
    [
      request([{ role: "user", content: "q" }], { tools: [{ name: "t" }] }),
      "tools[0].input_schema",
      "is required",
    ],
    [
      request([{ role: "user", content: "q" }], { tools: [{ type: "custom", name: "t" }] }),
      "tools[0].type",
      "a custom tool needs 'input_schema'",
    ],
  ])("%j → param %s", (body, param, message) => {
    let thrown: unknown;
    try {
      parseMessagesRequest(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      param: param === "" ? null : param,
    });
    expect((thrown as Error).message).toContain(message);
  });
});
