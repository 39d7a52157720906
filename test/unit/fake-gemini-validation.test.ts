/**
 * The fake refuses what the real API refuses, with Google's status and wording (reference §1, §4).
 */
import { type FakeGemini, startFakeGemini } from "../fake-gemini/index.js";
import { callFake } from "../fake-gemini/test-client.js";

const KEY = "fake-key-checks-0001";
const hello = [{ role: "user", parts: [{ text: "hello" }] }];
const tool = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  contents: hello,
  tools: [{ functionDeclarations: [{ name: "save", parameters, ...extra }] }],
});

interface ErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

describe("request validation", () => {
  let fake: FakeGemini;
  const generate = async (model: string, body: unknown) => {
    const answer = await callFake(fake, `/v1beta/models/${model}:generateContent`, { apiKey: KEY, body });
    return { status: answer.status, body: answer.json as ErrorBody };
  };
  const refusal = async (model: string, body: unknown) => {
    const { status, body: answer } = await generate(model, body);
    return { status, message: answer.error?.message, googleStatus: answer.error?.status };
  };

  beforeAll(async () => {
    fake = await startFakeGemini({
      keys: [KEY],
      modelOverrides: { "gemini-2.0-flash": { inputTokenLimit: 50 } },
    });
  });
  afterAll(() => fake.close());

  test("an unknown field is refused with a BadRequest detail naming the place", async () => {
    const { status, body } = await generate("gemini-2.5-flash", {
      contents: hello,
      generationConfig: { notAField: 1 },
    });

    expect(status).toBe(400);
    const description = `Invalid JSON payload received. Unknown name "notAField" at 'generation_config': Cannot find field.`;
    expect(body).toEqual({
      error: {
        code: 400,
        message: description,
        status: "INVALID_ARGUMENT",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            fieldViolations: [{ field: "generation_config", description }],
          },
        ],
      },
    });
  });

  test("unknown fields at the top and deep inside are all reported", async () => {
    const { message } = await refusal("gemini-2.5-flash", {
      contents: [{ role: "user", parts: [{ text: "x", bogus: true }] }],
      temperature: 0.5,
    });

    expect(message).toBe(
      `Invalid JSON payload received. Unknown name "bogus" at 'contents[0].parts[0]': Cannot find field.\n` +
        `Invalid JSON payload received. Unknown name "temperature": Cannot find field.`,
    );
  });

  test("snake_case spellings are accepted like lowerCamel", async () => {
    const { status } = await generate("gemini-2.5-flash", {
      contents: hello,
      system_instruction: { parts: [{ text: "be brief" }] },
      generation_config: { max_output_tokens: 500, thinking_config: { thinking_budget: 128 } },
      tools: [
        {
          function_declarations: [
            { name: "f", parameters: { type: "OBJECT", properties: { a: { type: "STRING" } } } },
          ],
        },
      ],
      tool_config: { function_calling_config: { mode: "AUTO" } },
      safety_settings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
    });

    expect(status).toBe(200);
  });

  test.each([
    [
      "a role other than user/model",
      { contents: [{ role: "system", parts: [{ text: "x" }] }] },
      "Please use a valid role: user, model.",
    ],
    ["empty contents", { contents: [] }, "* GenerateContentRequest.contents: contents is not specified\n"],
    ["no body at all", {}, "* GenerateContentRequest.contents: contents is not specified\n"],
    [
      "a content without parts",
      { contents: [{ role: "user", parts: [] }] },
      "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n",
    ],
    [
      "a part with no data",
      { contents: [{ role: "user", parts: [{ thought: true }] }] },
      "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
    ],
    [
      "an empty text part",
      { contents: [{ role: "user", parts: [{ text: "" }] }] },
      "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.",
    ],
    [
      "a functionResponse.response that is not an object",
      {
        contents: [
          ...hello,
          { role: "user", parts: [{ functionResponse: { name: "f", response: "done" } }] },
        ],
      },
      `Invalid value at 'contents[1].parts[0].function_response.response' (type.googleapis.com/google.protobuf.Struct), "done"`,
    ],
    [
      "a temperature out of range",
      { contents: hello, generationConfig: { temperature: 5 } },
      "* GenerateContentRequest.generation_config.temperature: temperature must be in the range [0.0, 2.0].\n",
    ],
    [
      "a temperature of the wrong type",
      { contents: hello, generationConfig: { temperature: "hot" } },
      `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`,
    ],
    [
      "an unknown enum value",
      { contents: hello, toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } },
      `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "SOMETIMES"`,
    ],
    [
      "both thinkingLevel and thinkingBudget",
      {
        contents: hello,
        generationConfig: { thinkingConfig: { thinkingLevel: "LOW", thinkingBudget: 100 } },
      },
      "You can only set only one of thinking budget and thinking level.",
    ],
  ])("refuses %s", async (_name, body, message) => {
    const answer = await refusal("gemini-2.5-flash", body);
    expect(answer).toEqual({ status: 400, message, googleStatus: "INVALID_ARGUMENT" });
  });

  test("thinking settings a model refuses", async () => {
    const budgetZero = { contents: hello, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } };
    const medium = { contents: hello, generationConfig: { thinkingConfig: { thinkingLevel: "MEDIUM" } } };

    expect((await refusal("gemini-2.5-pro", budgetZero)).message).toBe(
      "Budget 0 is invalid. This model only works in thinking mode.",
    );
    expect((await refusal("gemini-3-pro-preview", medium)).message).toBe(
      "Thinking level MEDIUM is not supported for this model.",
    );
    expect((await generate("gemini-3-flash-preview", medium)).status).toBe(200);
    expect((await generate("gemini-2.5-flash", budgetZero)).status).toBe(200);
  });

  test.each([
    ["$schema", { $schema: "http://json-schema.org/draft-07/schema#", type: "object" }, "parameters"],
    ["additionalProperties", { type: "object", additionalProperties: false }, "parameters"],
    [
      "exclusiveMinimum",
      { type: "object", properties: { n: { type: "number", exclusiveMinimum: 0 } } },
      "parameters.properties[0].value",
    ],
  ])("`parameters` refuses the JSON Schema keyword %s", async (keyword, parameters, place) => {
    const { message } = await refusal("gemini-2.5-flash", tool(parameters));
    expect(message).toBe(
      `Invalid JSON payload received. Unknown name "${keyword}" at 'tools[0].function_declarations[0].${place}': Cannot find field.`,
    );
  });

  test("`parameters` refuses type arrays and arrays without items", async () => {
    const typeArray = await refusal(
      "gemini-2.5-flash",
      tool({ type: "object", properties: { note: { type: ["string", "null"] } } }),
    );
    const noItems = await refusal(
      "gemini-2.5-flash",
      tool({ type: "object", properties: { tags: { type: "array" } } }),
    );

    expect(typeArray.message).toBe(
      `Invalid JSON payload received. Unknown name "type" at 'tools[0].function_declarations[0].parameters.properties[0].value': Proto field is not repeating, cannot start list.`,
    );
    expect(noItems.message).toBe(
      "* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[tags].items: missing field.\n",
    );
  });

  test("`parametersJsonSchema` takes real JSON Schema, but not beside `parameters`", async () => {
    const jsonSchema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: false,
      properties: { note: { type: ["string", "null"] }, n: { anyOf: [{ type: "integer" }, { const: 3 }] } },
      required: ["note"],
    };
    const accepted = await generate("gemini-2.5-flash", {
      contents: hello,
      tools: [{ functionDeclarations: [{ name: "save", parametersJsonSchema: jsonSchema }] }],
    });
    const both = await refusal(
      "gemini-2.5-flash",
      tool({ type: "object" }, { parametersJsonSchema: jsonSchema }),
    );

    expect(accepted.status).toBe(200);
    expect(both.message).toBe(
      "* GenerateContentRequest.tools[0].function_declarations[0]: parameters and parameters_json_schema must not both be set.\n",
    );
  });

  test("invalid JSON gets Google's parse error, and the request is still recorded", async () => {
    const answer = await callFake(fake, "/v1beta/models/gemini-2.5-flash:generateContent", {
      apiKey: KEY,
      body: '{"contents": [oops]}',
    });
    const error = (answer.json as ErrorBody).error;

    expect(answer.status).toBe(400);
    expect(error.status).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(/^Invalid JSON payload received\. Unexpected token\.\n.*\n *\^$/);
    expect(fake.requests.at(-1)).toMatchObject({
      rawBody: '{"contents": [oops]}',
      body: undefined,
      status: 400,
    });
  });

  test("too many input tokens is the real overflow message", async () => {
    const { message } = await refusal("gemini-2.0-flash", {
      contents: [{ role: "user", parts: [{ text: "x".repeat(400) }] }],
    });

    expect(message).toBe("The input token count (100) exceeds the maximum number of tokens allowed (50).");
  });

  test("an unknown model is a 404 naming the method, also on the stream route", async () => {
    const expected = {
      error: {
        code: 404,
        message:
          "models/gemini-0-nano is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
        status: "NOT_FOUND",
      },
    };
    const plain = await generate("gemini-0-nano", { contents: hello });
    const streamed = await callFake(fake, "/v1beta/models/gemini-0-nano:streamGenerateContent?alt=sse", {
      apiKey: KEY,
      body: { contents: hello },
    });

    expect(plain).toEqual({ status: 404, body: expected });
    expect(streamed.status).toBe(404);
    // Early errors on alt=sse are plain JSON under an event-stream content type (reference §3).
    expect(streamed.headers.get("content-type")).toBe("text/event-stream");
    expect(streamed.json).toEqual(expected);
  });

  test("an embedding model cannot generate", async () => {
    const { status, message } = await refusal("text-embedding-004", { contents: hello });
    expect(status).toBe(404);
    expect(message).toContain("is not supported for generateContent");
  });
});
