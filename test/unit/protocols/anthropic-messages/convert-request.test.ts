import { describe, expect, test } from "@jest/globals";
import {
  collectRemoteMediaUrls,
  collectToolUseIds,
  convertCountTokensRequest,
} from "../../../../src/protocols/anthropic-messages/convert-request.js";
import {
  parseCountTokensRequest,
  parseMessagesRequest,
} from "../../../../src/protocols/anthropic-messages/request-schema.js";
import { placeholderThoughtSignature } from "../../../../src/translate/add-placeholder-thought-signatures.js";
import { claudeCodeAliases, convert, pngBase64, request } from "./helpers.js";

const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown) => ({ role: "assistant", content });
const readTool = {
  name: "Read",
  description: "Reads a file",
  input_schema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { file_path: { type: "string" } },
    required: ["file_path"],
    additionalProperties: false,
  },
};
const readCall = (id: string, file = "/tmp/a.txt") => ({
  type: "tool_use",
  id,
  name: "Read",
  input: { file_path: file },
});
const result = (id: string, content: unknown, extra: Record<string, unknown> = {}) => ({
  type: "tool_result",
  tool_use_id: id,
  content,
  ...extra,
});

describe("system and turns", () => {
  test("system as a string, as text blocks (cache_control ignored), and role:system messages join systemInstruction in order", () => {
    const body = convert(
      request(
        [
          user([{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }]),
          {
            role: "system",
            content: [{ type: "text", text: "between turns", cache_control: { type: "ephemeral" } }],
          },
          assistant("hello"),
          { role: "system", content: "later" },
          user("again"),
        ],
        {
          system: [
            { type: "text", text: "one" },
            { type: "text", text: "" },
            { type: "text", text: "two", cache_control: { type: "ephemeral" } },
          ],
        },
      ),
    ).body;
    expect(body.systemInstruction).toEqual({
      parts: [{ text: "one" }, { text: "two" }, { text: "between turns" }, { text: "later" }],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "hi" }] },
      { role: "model", parts: [{ text: "hello" }] },
      { role: "user", parts: [{ text: "again" }] },
    ]);
    expect(JSON.stringify(body)).not.toContain("cache_control");
    expect(convert(request([user("x")], { system: "plain" })).body.systemInstruction).toEqual({
      parts: [{ text: "plain" }],
    });
  });

  test("consecutive messages of one role merge; empty text is never sent", () => {
    const body = convert(
      request([user("a"), user([{ type: "text", text: "" }]), user("b"), assistant(""), assistant("c")]),
    ).body;
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "a" }, { text: "b" }] },
      { role: "model", parts: [{ text: "c" }] },
    ]);
  });

  test("a conversation with nothing to say is a 400 naming messages", () => {
    expect(() => convert(request([{ role: "system", content: "x" }, user("")]))).toThrow(
      expect.objectContaining({ status: 400, param: "messages" }),
    );
  });
});

describe("content blocks", () => {
  test("images: base64 → inlineData, a downloaded URL → inlineData, a Gemini file URL → fileData", () => {
    const remote = "https://example.com/cat.png";
    const geminiFile = "https://generativelanguage.googleapis.com/v1beta/files/abc";
    const converted = convert(
      request([
        user([
          { type: "image", source: { type: "base64", media_type: "image/png", data: pngBase64 } },
          { type: "image", source: { type: "url", url: remote } },
          { type: "image", source: { type: "url", url: geminiFile } },
          { type: "text", text: "what are these?" },
        ]),
      ]),
      { remoteMedia: new Map([[remote, { mimeType: "image/jpeg", data: "REMOTE" }]]) },
    );
    expect(converted.body.contents).toEqual([
      {
        role: "user",
        parts: [
          { inlineData: { mimeType: "image/png", data: pngBase64 } },
          { inlineData: { mimeType: "image/jpeg", data: "REMOTE" } },
          { fileData: { fileUri: geminiFile } },
          { text: "what are these?" },
        ],
      },
    ]);
  });

  test("documents: PDF base64 → inlineData, plain text and content sources → text, with title and context first", () => {
    const body = convert(
      request([
        user([
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" },
            title: "Spec",
          },
          {
            type: "document",
            source: { type: "text", media_type: "text/plain", data: "plain words" },
            context: "notes",
          },
          { type: "document", source: { type: "content", content: [{ type: "text", text: "inner" }] } },
          {
            type: "search_result",
            source: "https://x.dev/a",
            title: "A",
            content: [{ type: "text", text: "passage" }],
          },
        ]),
      ]),
    ).body;
    expect(body.contents[0]?.parts).toEqual([
      { text: "Spec" },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0x" } },
      { text: "notes" },
      { text: "plain words" },
      { text: "inner" },
      { text: "A (https://x.dev/a)\npassage" },
    ]);
  });

  test("a document URL (the downloader takes images only) is a 400 that says to send base64", () => {
    expect(() =>
      convert(
        request([user([{ type: "document", source: { type: "url", url: "https://a.example/doc.pdf" } }])]),
      ),
    ).toThrow(
      expect.objectContaining({
        status: 400,
        param: "messages[0].content[0].source.url",
        message: expect.stringContaining("base64"),
      }),
    );
  });

  test("a file_id source (Anthropic's Files API) and an undownloaded URL are 400s naming the block", () => {
    expect(() =>
      convert(request([user([{ type: "image", source: { type: "file", file_id: "file_1" } }])])),
    ).toThrow(expect.objectContaining({ status: 400, param: "messages[0].content[0].source.file_id" }));
    expect(() =>
      convert(
        request([user([{ type: "image", source: { type: "url", url: "https://example.com/x.png" } }])]),
      ),
    ).toThrow(expect.objectContaining({ status: 400, param: "messages[0].content[0].source.url" }));
  });

  test("the route downloads image URLs, tool results' included, once each; never Gemini files", () => {
    const parsed = parseMessagesRequest(
      request([
        user([
          { type: "image", source: { type: "url", url: "https://a.example/1.png" } },
          {
            type: "document",
            source: {
              type: "content",
              content: [{ type: "image", source: { type: "url", url: "https://a.example/3.png" } }],
            },
          },
          {
            type: "image",
            source: { type: "url", url: "https://generativelanguage.googleapis.com/v1beta/files/x" },
          },
        ]),
        assistant([readCall("toolu_1")]),
        user([
          result("toolu_1", [
            { type: "image", source: { type: "url", url: "https://a.example/1.png" } },
            { type: "image", source: { type: "url", url: "https://a.example/2.png" } },
          ]),
        ]),
      ]),
    );
    expect(collectRemoteMediaUrls(parsed)).toEqual([
      "https://a.example/1.png",
      "https://a.example/3.png",
      "https://a.example/2.png",
    ]);
  });

  test("thinking, redacted_thinking and server-tool blocks from Claude's own history are left out", () => {
    const body = convert(
      request([
        user("q"),
        assistant([
          { type: "thinking", thinking: "Claude's thoughts", signature: "EqQBCkgIARABGAIiQL" },
          { type: "redacted_thinking", data: "EmwKAhgBEgy3va" },
          { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } },
          { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
          { type: "text", text: "answer" },
        ]),
        user("next"),
      ]),
    ).body;
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "q" }] },
      { role: "model", parts: [{ text: "answer" }] },
      { role: "user", parts: [{ text: "next" }] },
    ]);
  });

  test("a block in the wrong role is a 400 naming it", () => {
    expect(() => convert(request([user([readCall("toolu_1")])]))).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].content[0].type" }),
    );
    expect(() => convert(request([user("q"), assistant([result("toolu_1", "x")])]))).toThrow(
      expect.objectContaining({ status: 400, param: "messages[1].content[0].type" }),
    );
  });
});

describe("tool use and results", () => {
  test("tool_use → functionCall; tool_result → functionResponse in the order of the calls; the user's text follows", () => {
    const body = convert(
      request(
        [
          user("read both"),
          assistant([
            { type: "text", text: "Reading." },
            readCall("toolu_a", "/a"),
            readCall("toolu_b", "/b"),
          ]),
          user([
            result("toolu_b", "B content"),
            result("toolu_a", [
              { type: "text", text: "A " },
              { type: "text", text: "content" },
            ]),
            { type: "text", text: "thanks" },
          ]),
        ],
        { tools: [readTool] },
      ),
    ).body;
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "read both" }] },
      {
        role: "model",
        parts: [
          { text: "Reading." },
          { functionCall: { name: "Read", args: { file_path: "/a" } } },
          { functionCall: { name: "Read", args: { file_path: "/b" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "Read", response: { output: "A \ncontent" } } },
          { functionResponse: { name: "Read", response: { output: "B content" } } },
          { text: "thanks" },
        ],
      },
    ]);
  });

  test("is_error → {error}; a JSON object result as is; an empty result → {output: ''}", () => {
    const responses = (content: unknown, extra = {}) =>
      convert(
        request([user("q"), assistant([readCall("toolu_1")]), user([result("toolu_1", content, extra)])]),
      ).body.contents[2]?.parts[0]?.functionResponse?.response;
    expect(responses("File does not exist.", { is_error: true })).toEqual({ error: "File does not exist." });
    expect(responses('{"lines": 3}')).toEqual({ lines: 3 });
    expect(responses("")).toEqual({ output: "" });
    expect(responses(undefined)).toEqual({ output: "" });
  });

  test("images of a tool result follow the function responses (Claude Code's Read of an image)", () => {
    const body = convert(
      request([
        user("look"),
        assistant([readCall("toolu_1", "/cat.png")]),
        user([
          result("toolu_1", [
            { type: "image", source: { type: "base64", media_type: "image/png", data: pngBase64 } },
          ]),
        ]),
      ]),
    ).body;
    expect(body.contents[2]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "Read", response: { output: "(the result is the attached media)" } } },
        { inlineData: { mimeType: "image/png", data: pngBase64 } },
      ],
    });
  });

  test("a call left unanswered gets an error response; a result whose call is not in the history is read as text", () => {
    const body = convert(
      request([
        user("q"),
        assistant([readCall("toolu_1"), readCall("toolu_2")]),
        user([result("toolu_2", "two"), result("toolu_gone", "orphan")]),
      ]),
    ).body;
    expect(body.contents[2]?.parts).toEqual([
      {
        functionResponse: { name: "Read", response: { error: "No result was provided for this tool call." } },
      },
      { functionResponse: { name: "Read", response: { output: "two" } } },
      { text: "Result of tool call toolu_gone:\norphan" },
    ]);
  });

  test("tool names Gemini refuses are replaced the same way in declarations and history", () => {
    const converted = convert(
      request(
        [
          user("q"),
          assistant([{ type: "tool_use", id: "toolu_1", name: "my tool!", input: {} }]),
          user([result("toolu_1", "ok")]),
        ],
        { tools: [{ name: "my tool!", input_schema: { type: "object", properties: {} } }] },
      ),
    );
    const declared = converted.body.tools?.[0]?.functionDeclarations?.[0]?.name;
    expect(declared).toMatch(/^my_tool__[0-9a-f]{8}$/);
    expect(converted.body.contents[1]?.parts[0]?.functionCall?.name).toBe(declared);
    expect(converted.body.contents[2]?.parts[0]?.functionResponse?.name).toBe(declared);
    expect(converted.toolNames.toOpenAI(declared ?? "")).toBe("my tool!");
  });

  test("a tool_use input that is not an object is replayed as {}", () => {
    const body = convert(
      request([user("q"), assistant([{ type: "tool_use", id: "toolu_1", name: "Read", input: "cut" }])]),
    ).body;
    expect(body.contents[1]?.parts[0]).toEqual({ functionCall: { name: "Read", args: {} } });
  });

  test("the tool-use ids of the history are listed for the signature store", () => {
    const parsed = parseMessagesRequest(
      request([
        user("q"),
        assistant([readCall("toolu_1"), readCall("toolu_2")]),
        user([result("toolu_1", "a"), result("toolu_2", "b")]),
      ]),
    );
    expect(collectToolUseIds(parsed)).toEqual(["toolu_1", "toolu_2"]);
  });
});

describe("thought signatures of Gemini 3", () => {
  const history = (callBlocks: unknown[]) =>
    request([user("read it"), assistant(callBlocks), user([result("toolu_1", "content")])], {
      model: "gemini-3-flash-preview",
      tools: [readTool],
    });

  test("a thinking block's Gemini signature goes onto the call right after it", () => {
    const contents = convert(
      history([
        { type: "thinking", thinking: "I will read it.", signature: "gemini:CtQCAdSIG" },
        readCall("toolu_1"),
      ]),
    ).body.contents;
    expect(contents[1]).toEqual({
      role: "model",
      parts: [
        { functionCall: { name: "Read", args: { file_path: "/tmp/a.txt" } }, thoughtSignature: "CtQCAdSIG" },
      ],
    });
    expect(JSON.stringify(contents)).not.toContain("I will read it.");
  });

  test("without one, the signature the gateway stored for the tool-use id; without that, the placeholder", () => {
    const stored = convert(history([readCall("toolu_1")]), {
      thoughtSignatures: new Map([["toolu_1", "STORED"]]),
    });
    expect(stored.body.contents[1]?.parts[0]?.thoughtSignature).toBe("STORED");
    const neither = convert(history([readCall("toolu_1")]));
    expect(neither.body.contents[1]?.parts[0]?.thoughtSignature).toBe(placeholderThoughtSignature);
  });

  test("a signature Claude made (history from Anthropic) is never sent to Gemini: the placeholder stands in", () => {
    const contents = convert(
      history([
        { type: "thinking", thinking: "t", signature: "EqQBCkgIARABGAIiQLclaude" },
        readCall("toolu_1"),
      ]),
    ).body.contents;
    expect(contents[1]?.parts[0]?.thoughtSignature).toBe(placeholderThoughtSignature);
  });

  test("a Gemini signature in a thinking block that is not right before a tool_use is not sent anywhere", () => {
    const contents = convert(
      history([
        { type: "thinking", thinking: "", signature: "gemini:ORPHAN" },
        { type: "text", text: "Let me read it." },
        readCall("toolu_1"),
      ]),
    ).body.contents;
    expect(JSON.stringify(contents)).not.toContain("ORPHAN");
    expect(contents[1]?.parts).toEqual([
      { text: "Let me read it." },
      {
        functionCall: { name: "Read", args: { file_path: "/tmp/a.txt" } },
        thoughtSignature: placeholderThoughtSignature,
      },
    ]);
  });

  test("Gemini 2.5 gets the real signatures but never a placeholder", () => {
    const body = convert({ ...history([readCall("toolu_1")]), model: "gemini-2.5-pro" }).body;
    expect(body.contents[1]?.parts[0]?.thoughtSignature).toBeUndefined();
  });
});

describe("tools", () => {
  test("input_schema (JSON Schema 2020-12) is sent as parametersJsonSchema, as given", () => {
    const body = convert(request([user("q")], { tools: [readTool] })).body;
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "Read", description: "Reads a file", parametersJsonSchema: readTool.input_schema },
        ],
      },
    ]);
  });

  test("defer_loading tools are declared only once a tool_reference, a call or tool_choice loads them", () => {
    const deferred = (name: string) => ({
      name,
      input_schema: { type: "object", properties: { x: { type: "string" } } },
      defer_loading: true,
    });
    const tools = [
      readTool,
      deferred("NotebookEdit"),
      deferred("WebFetch"),
      {
        name: "DeferredToolPlaceholder",
        input_schema: { type: "object", properties: {} },
        defer_loading: true,
      },
    ];
    const declaredNames = (body: { tools?: Array<{ functionDeclarations?: Array<{ name: string }> }> }) =>
      body.tools?.[0]?.functionDeclarations?.map((declaration) => declaration.name);

    expect(declaredNames(convert(request([user("q")], { tools })).body)).toEqual(["Read"]);

    const afterSearch = convert(
      request(
        [
          user("q"),
          assistant([
            { type: "tool_use", id: "toolu_1", name: "ToolSearch", input: { query: "select:NotebookEdit" } },
          ]),
          user([result("toolu_1", [{ type: "tool_reference", tool_name: "NotebookEdit" }])]),
        ],
        { tools },
      ),
    ).body;
    expect(declaredNames(afterSearch)).toEqual(["Read", "NotebookEdit"]);
    expect(afterSearch.contents[2]?.parts[0]?.functionResponse?.response).toEqual({
      output: `<functions>\n<function>${JSON.stringify({ description: "", name: "NotebookEdit", parameters: deferred("NotebookEdit").input_schema })}</function>\n</functions>`,
    });

    const byChoice = convert(
      request([user("q")], { tools, tool_choice: { type: "tool", name: "WebFetch" } }),
    ).body;
    expect(declaredNames(byChoice)).toEqual(["Read", "WebFetch"]);
  });

  test("server tools: web search → googleSearch, web fetch → urlContext, code execution → codeExecution, alone", () => {
    const webSearch = { type: "web_search_20250305", name: "web_search", max_uses: 8 };
    const body = convert(
      request([user("Perform a web search for the query: gemini")], {
        tools: [
          webSearch,
          { type: "web_fetch_20250910", name: "web_fetch" },
          { type: "code_execution_20250825", name: "code_execution" },
        ],
        tool_choice: { type: "auto" },
      }),
    ).body;
    expect(body.tools).toEqual([{ googleSearch: {} }, { urlContext: {} }, { codeExecution: {} }]);
    // Gemini refuses a calling config without declarations.
    expect(body.toolConfig).toBeUndefined();
  });

  test("beside functions, and for tools only Anthropic runs, server tools are left out, never a 400", () => {
    const body = convert(
      request([user("q")], {
        tools: [
          readTool,
          { type: "web_search_20250305", name: "web_search" },
          { type: "bash_20250124", name: "bash" },
        ],
      }),
    ).body;
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "Read", description: "Reads a file", parametersJsonSchema: readTool.input_schema },
        ],
      },
    ]);
    expect(
      convert(
        request([user("q")], {
          tools: [{ type: "text_editor_20250728", name: "str_replace_based_edit_tool" }],
        }),
      ).body.tools,
    ).toBeUndefined();
  });

  test.each([
    [{ type: "auto" }, { functionCallingConfig: { mode: "AUTO" } }],
    [{ type: "auto", disable_parallel_tool_use: true }, { functionCallingConfig: { mode: "AUTO" } }],
    [{ type: "any" }, { functionCallingConfig: { mode: "ANY" } }],
    [
      { type: "tool", name: "Read" },
      { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["Read"] } },
    ],
    [{ type: "none" }, { functionCallingConfig: { mode: "NONE" } }],
  ])("tool_choice %j → %j", (toolChoice, toolConfig) => {
    expect(
      convert(request([user("q")], { tools: [readTool], tool_choice: toolChoice })).body.toolConfig,
    ).toEqual(toolConfig);
  });
});

describe("generation config", () => {
  test("max_tokens is clamped to the model's output limit; sampling and stop sequences pass", () => {
    const config = convert(
      request([user("q")], {
        max_tokens: 200_000,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ["END", ""],
      }),
    ).body.generationConfig;
    expect(config).toEqual({
      maxOutputTokens: 65_536,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
    });
    expect(convert(request([user("q")], { max_tokens: 32_000 })).body.generationConfig?.maxOutputTokens).toBe(
      32_000,
    );
  });

  test("output_config.format json_schema → JSON mime type and responseJsonSchema", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const config = convert(
      request([user("q")], { output_config: { format: { type: "json_schema", schema } } }),
    ).body.generationConfig;
    expect(config).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: schema });
  });

  const thinkingOf = (
    model: string,
    extra: Record<string, unknown>,
    reasoningOutput: "reasoning_content" | "none" = "reasoning_content",
  ) =>
    convert(request([user("q")], { model, ...extra }), { reasoningOutput }).body.generationConfig
      ?.thinkingConfig;

  test.each([
    // Claude Code 2.1.328: adaptive thinking with effort high.
    [
      "gemini-2.5-pro",
      { thinking: { type: "adaptive", display: "omitted" }, output_config: { effort: "high" } },
      { thinkingBudget: 24576 },
    ],
    [
      "gemini-2.5-pro",
      { thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "low" } },
      { includeThoughts: true, thinkingBudget: 1024 },
    ],
    ["gemini-2.5-pro", { thinking: { type: "adaptive", display: "updates" } }, { includeThoughts: true }],
    [
      "gemini-2.5-pro",
      { thinking: { type: "enabled", budget_tokens: 10 } },
      { includeThoughts: true, thinkingBudget: 128 },
    ],
    [
      "gemini-2.5-pro",
      { thinking: { type: "enabled", budget_tokens: 100_000 } },
      { includeThoughts: true, thinkingBudget: 32768 },
    ],
    ["gemini-2.5-pro", { thinking: { type: "disabled" } }, { thinkingBudget: 128 }],
    ["gemini-2.5-flash", { thinking: { type: "disabled" } }, { thinkingBudget: 0 }],
    [
      "gemini-2.5-flash",
      { thinking: { type: "enabled", budget_tokens: 4000, display: "omitted" } },
      { thinkingBudget: 4000 },
    ],
    ["gemini-2.5-flash", {}, undefined],
    ["gemini-2.5-flash", { output_config: { effort: "medium" } }, { thinkingBudget: 8192 }],
    [
      "gemini-3-pro-preview",
      { thinking: { type: "adaptive" }, output_config: { effort: "medium" } },
      { includeThoughts: true, thinkingLevel: "HIGH" },
    ],
    ["gemini-3-pro-preview", { thinking: { type: "disabled" } }, { thinkingLevel: "LOW" }],
    ["gemini-3-flash-preview", { thinking: { type: "disabled" } }, { thinkingLevel: "MINIMAL" }],
    [
      "gemini-3-flash-preview",
      { thinking: { type: "enabled", budget_tokens: 1024 } },
      { includeThoughts: true, thinkingLevel: "LOW" },
    ],
    [
      "gemini-3-flash-preview",
      { thinking: { type: "enabled", budget_tokens: 5000 } },
      { includeThoughts: true, thinkingLevel: "MEDIUM" },
    ],
    [
      "gemini-3-flash-preview",
      { thinking: { type: "enabled", budget_tokens: 20000 } },
      { includeThoughts: true, thinkingLevel: "HIGH" },
    ],
    ["gemini-3-flash-preview", { output_config: { effort: "max" } }, { thinkingLevel: "HIGH" }],
    [
      "gemini-flash-latest",
      { thinking: { type: "enabled", budget_tokens: 2048 } },
      { includeThoughts: true },
    ],
    ["gemini-2.0-flash", { thinking: { type: "enabled", budget_tokens: 2048 } }, undefined],
  ])("%s with %j → thinkingConfig %j", (model, extra, expected) => {
    expect(thinkingOf(model, extra)).toEqual(expected);
  });

  test("REASONING_OUTPUT=none never asks for thoughts", () => {
    expect(
      thinkingOf("gemini-2.5-flash", { thinking: { type: "enabled", budget_tokens: 2048 } }, "none"),
    ).toEqual({ thinkingBudget: 2048 });
  });
});

describe("model names", () => {
  test("MODEL_ALIASES map Claude Code's names; Gemini ids pass; the requested name is kept for the answer", () => {
    const haiku = convert(request([user("q")], { model: "claude-haiku-4-5-20251001" }), {
      modelAliases: claudeCodeAliases,
    });
    expect([haiku.model, haiku.requestedModel]).toEqual(["gemini-2.5-flash", "claude-haiku-4-5-20251001"]);
    const opus = convert(request([user("q")], { model: "claude-opus-5-5" }), {
      modelAliases: claudeCodeAliases,
    });
    expect([opus.model, opus.requestedModel]).toEqual(["gemini-2.5-pro", "claude-opus-5-5"]);
    const gemini = convert(request([user("q")], { model: "models/gemini-3-pro-preview" }), {
      modelAliases: claudeCodeAliases,
    });
    expect([gemini.model, gemini.requestedModel]).toEqual([
      "gemini-3-pro-preview",
      "models/gemini-3-pro-preview",
    ]);
  });

  test("stream: true streams; absent or false does not", () => {
    expect(convert(request([user("q")], { stream: true })).stream).toBe(true);
    expect(convert(request([user("q")])).stream).toBe(false);
  });
});

describe("count_tokens", () => {
  test("the whole input (system, contents, tools) goes in generateContentRequest, with the model", () => {
    const parsed = parseCountTokensRequest({
      model: "claude-sonnet-4-5",
      system: "be brief",
      messages: [user("count me")],
      tools: [readTool],
    });
    const converted = convertCountTokensRequest(parsed, {
      modelAliases: claudeCodeAliases,
      thoughtSignatures: new Map(),
      remoteMedia: new Map(),
      reasoningOutput: "reasoning_content",
    });
    expect(converted).toEqual({
      model: "gemini-2.5-pro",
      body: {
        generateContentRequest: {
          model: "models/gemini-2.5-pro",
          systemInstruction: { parts: [{ text: "be brief" }] },
          contents: [{ role: "user", parts: [{ text: "count me" }] }],
          tools: [
            {
              functionDeclarations: [
                { name: "Read", description: "Reads a file", parametersJsonSchema: readTool.input_schema },
              ],
            },
          ],
        },
      },
    });
  });
});
