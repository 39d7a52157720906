import { GatewayError } from "../../../../src/errors.js";
import { parseResponsesRequest } from "../../../../src/protocols/openai-responses/request-schema.js";

function rejection(body: unknown): { message: string; param: string | null; status: number } {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError)
      return { message: error.message, param: error.param, status: error.status };
    throw error;
  }
  throw new Error("the request was accepted");
}

describe("the Responses request schema", () => {
  test("accepts what Codex, the AI SDK and openai-node send that has no Gemini meaning", () => {
    const request = parseResponsesRequest({
      model: "gpt-5-codex",
      input: [
        {
          type: "message",
          id: "msg_1",
          role: "user",
          content: [{ type: "input_text", text: "hi" }],
          status: "completed",
        },
        {
          type: "reasoning",
          id: "rs_1",
          summary: [{ type: "summary_text", text: "t" }],
          content: null,
          encrypted_content: null,
        },
        {
          type: "function_call",
          id: "fc_1",
          status: "completed",
          call_id: "c",
          name: "f",
          arguments: "{}",
          namespace: "ns",
        },
        { type: "function_call_output", id: "fco_1", call_id: "c", output: "ok" },
        {
          type: "local_shell_call",
          id: "ls_1",
          call_id: "c2",
          status: "completed",
          action: { type: "exec", command: ["ls"] },
        },
        { type: "item_reference", id: "msg_0" },
      ],
      store: false,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "session",
      client_metadata: { a: "b" },
      service_tier: "auto",
      truncation: "auto",
      metadata: { k: "v" },
      user: "u",
      parallel_tool_calls: true,
      stream_options: { include_obfuscation: false },
      text: { verbosity: "low" },
      tools: [
        { type: "web_search", external_web_access: false },
        { type: "function", name: "f", strict: false, parameters: { type: "object" }, defer_loading: true },
      ],
    });
    expect(request.input).toHaveLength(6);
    expect(Array.isArray(request.input) && request.input[4]).toEqual({
      type: "other",
      originalType: "local_shell_call",
    });
    expect(request.tools?.[0]).toEqual({ type: "hosted", originalType: "web_search" });
  });

  test.each([
    [[], "The request body must be a JSON object.", null],
    [{ input: "x" }, "'model' is required.", "model"],
    [{ model: "m" }, "'input' is required: a string or a list of input items.", "input"],
    [{ model: "m", input: [] }, "'input' is required: a string or a list of input items.", "input"],
    [{ model: "m", input: 42 }, "'input' must be a string or an array, not a number.", "input"],
    [
      { model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] },
      "'input[0].call_id' is required.",
      "input[0].call_id",
    ],
    [
      { model: "m", input: [{ role: "robot", content: "x" }] },
      "'input[0].role' has an unknown value \"robot\"; expected one of: user, assistant, system, developer.",
      "input[0].role",
    ],
    [
      { model: "m", input: [{ role: "user", content: [{ type: "input_txt", text: "x" }] }] },
      null,
      "input[0].content[0].type",
    ],
    [
      { model: "m", input: "x", tools: [{ type: "function" }] },
      "'tools[0].name' is required.",
      "tools[0].name",
    ],
    [{ model: "m", input: "x", temperature: 3 }, "'temperature' must be at most 2.", "temperature"],
    [
      { model: "m", input: "x", max_output_tokens: 0 },
      "'max_output_tokens' must be at least 0.",
      "max_output_tokens",
    ],
    [
      { model: "m", input: "x", text: { format: { type: "json_schema", name: "n" } } },
      "'text.format.schema' is required.",
      "text.format.schema",
    ],
    [{ model: "m", input: "x", reasoning: { effort: "huge" } }, null, "reasoning.effort"],
    [{ model: "m", input: "x", background: true }, null, "background"],
    [{ model: "m", input: "x", conversation: "conv_1" }, null, "conversation"],
    [{ model: "m", input: "x", prompt: { id: "pmpt_1" } }, null, "prompt"],
  ])("%j → 400 %s", (body, message, param) => {
    const refused = rejection(body);
    expect(refused.status).toBe(400);
    expect(refused.param).toBe(param);
    if (message !== null) expect(refused.message).toBe(message);
    else expect(refused.message.length).toBeGreaterThan(10);
  });
});
