import { describe, expect, test } from "@jest/globals";
import { createToolNameMap, isValidGeminiFunctionName } from "../../../src/translate/tool-name-map.js";
import { convert, userText } from "./convert-request-helpers.js";
import { mcpSearchParameters, r02, r03, r20, rooStrictReadFileTool } from "./fixtures/client-requests.js";

describe("tools → functionDeclarations (parametersJsonSchema)", () => {
  test("R02: Cline's tool passes as JSON Schema; strict (function level) is not forwarded; tool_choice auto", () => {
    expect(convert(r02).body).toMatchObject({
      tools: [
        {
          functionDeclarations: [
            {
              name: "read_file",
              description: "Read a file",
              parametersJsonSchema: {
                type: "object",
                properties: { path: { type: "string", description: "path" } },
                required: ["path"],
                additionalProperties: false,
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
    });
    expect(JSON.stringify(convert(r02).body)).not.toContain("strict");
  });

  test("R03: Roo's strict schema is accepted unchanged (enum, required, additionalProperties)", () => {
    expect(convert(r03).body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "read_file",
            description: "Read one file",
            parametersJsonSchema: rooStrictReadFileTool.function.parameters,
          },
        ],
      },
    ]);
  });

  test("R20: the raw MCP schema passes as given; the no-argument tool sends no parameters; MCP name kept", () => {
    expect(convert(r20).body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "mcp--srv--search", description: "search", parametersJsonSchema: mcpSearchParameters },
          { name: "ping", description: "no args" },
        ],
      },
    ]);
  });

  test("tools without parameters, with {} or with only empty-object keywords send no schema", () => {
    const declarations = convert({
      model: "gemini-2.5-flash",
      messages: [userText("x")],
      tools: [
        { type: "function", function: { name: "a" } },
        { type: "function", function: { name: "b", parameters: {} } },
        {
          type: "function",
          function: {
            name: "c",
            parameters: {
              type: "object",
              properties: {},
              required: [],
              additionalProperties: false,
              strict: true,
            },
          },
        },
        {
          type: "function",
          function: { name: "d", parameters: { type: "object", additionalProperties: { type: "string" } } },
        },
        { function: { name: "e", parameters: { properties: { x: { type: "string" } } } } },
      ],
    }).body.tools?.[0]?.functionDeclarations;
    expect(declarations).toEqual([
      { name: "a" },
      { name: "b" },
      { name: "c" },
      { name: "d", parametersJsonSchema: { type: "object", additionalProperties: { type: "string" } } },
      { name: "e", parametersJsonSchema: { type: "object", properties: { x: { type: "string" } } } },
    ]);
  });

  test("with the openapi format, the cleaned schema goes to parameters instead", () => {
    const declarations = convert(r20, { toolSchemaFormat: "openapi" }).body.tools?.[0]?.functionDeclarations;
    expect(declarations).toEqual([
      {
        name: "mcp--srv--search",
        description: "search",
        parameters: {
          type: "OBJECT",
          properties: {
            q: { type: "STRING", minLength: 1 },
            limit: { type: "INTEGER", nullable: true },
            tags: { type: "ARRAY", items: { type: "STRING" } },
            mode: { type: "STRING", enum: ["a", "b"], nullable: true },
          },
          required: ["q"],
        },
      },
      { name: "ping", description: "no args" },
    ]);
  });

  test("the legacy functions list is used when tools is absent", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [userText("x")],
      functions: [{ name: "f", parameters: { type: "object", properties: { a: { type: "number" } } } }],
      function_call: { name: "f" },
    }).body;
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "f", parametersJsonSchema: { type: "object", properties: { a: { type: "number" } } } },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] } });
  });
});

describe("tool_choice → functionCallingConfig", () => {
  const cases: Array<[unknown, unknown]> = [
    ["auto", { functionCallingConfig: { mode: "AUTO" } }],
    ["none", { functionCallingConfig: { mode: "NONE" } }],
    ["required", { functionCallingConfig: { mode: "ANY" } }],
    [
      { type: "function", function: { name: "read_file" } },
      { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["read_file"] } },
    ],
    [undefined, undefined],
  ];
  test.each(cases)("%j", (toolChoice, expected) => {
    expect(convert({ ...r02, tool_choice: toolChoice }).body.toolConfig).toEqual(expected);
  });

  test("without tools, tool_choice sends nothing", () => {
    expect(
      convert({ model: "gemini-2.5-flash", messages: [userText("x")], tool_choice: "required" }).body,
    ).not.toHaveProperty("toolConfig");
  });
});

describe("function names Gemini refuses are mapped reversibly", () => {
  test.each([
    ["read_file", true],
    ["mcp--srv--search", true],
    ["ns.tool:v1", true],
    ["_private", true],
    ["a".repeat(128), true],
    ["a".repeat(129), false],
    ["1tool", false],
    ["my tool", false],
    ["outil/é", false],
    ["", false],
  ])("%s valid: %s", (name, valid) => {
    expect(isValidGeminiFunctionName(name)).toBe(valid);
  });

  test("refused names map to valid, distinct, stable names and back; valid names stay", () => {
    const names = ["my tool", "my_tool", "1tool", "x".repeat(200), "outil/é", "read_file"];
    const map = createToolNameMap(names);
    const geminiNames = names.map((name) => map.toGemini(name));
    for (const geminiName of geminiNames) expect(isValidGeminiFunctionName(geminiName)).toBe(true);
    expect(new Set(geminiNames).size).toBe(names.length);
    expect(geminiNames.map((geminiName) => map.toOpenAI(geminiName))).toEqual(names);
    expect(map.toGemini("read_file")).toBe("read_file");
    expect(map.toGemini("my_tool")).toBe("my_tool");
    expect(createToolNameMap(["my tool"]).toGemini("my tool")).toBe(geminiNames[0]);
    expect(map.toOpenAI("unknown_name")).toBe("unknown_name");
  });

  test("declarations, history calls, tool results and tool_choice all use the mapped name", () => {
    const converted = convert({
      model: "gemini-2.5-flash",
      messages: [
        userText("go"),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "my tool", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "ok" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "my tool",
            parameters: { type: "object", properties: { a: { type: "string" } } },
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "my tool" } },
    });
    const geminiName = converted.toolNames.toGemini("my tool");
    expect(geminiName).toMatch(/^my_tool_[0-9a-f]{8}$/);
    expect(converted.body.tools?.[0]?.functionDeclarations?.[0]?.name).toBe(geminiName);
    expect(converted.body.contents[1]?.parts[0]?.functionCall?.name).toBe(geminiName);
    expect(converted.body.contents[2]?.parts[0]?.functionResponse?.name).toBe(geminiName);
    expect(converted.body.toolConfig?.functionCallingConfig?.allowedFunctionNames).toEqual([geminiName]);
    expect(converted.toolNames.toOpenAI(geminiName)).toBe("my tool");
  });
});
