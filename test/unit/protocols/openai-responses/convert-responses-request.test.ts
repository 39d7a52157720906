import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GatewayError } from "../../../../src/errors.js";
import { parseModelAliases } from "../../../../src/gemini/model-aliases.js";
import { collectRemoteMediaUrls } from "../../../../src/protocols/openai-responses/convert-input-items.js";
import {
  convertResponsesRequest,
  type ResponsesRequestContext,
} from "../../../../src/protocols/openai-responses/convert-responses-request.js";
import {
  parseResponsesRequest,
  type ResponsesInputItem,
} from "../../../../src/protocols/openai-responses/request-schema.js";
import { encodeSignatureCarrier } from "../../../../src/protocols/openai-responses/thought-signature-carrier.js";
import { ModelCatalog } from "../../../fake-gemini/catalog.js";
import { DEFAULT_MODELS } from "../../../fake-gemini/index.js";
import { checkCurrentTurnSignatures, ThoughtSignatures } from "../../../fake-gemini/signatures.js";
import {
  checkGenerateContentRequest,
  parseGenerateContentRequest,
} from "../../../fake-gemini/validate-request.js";

const here = dirname(fileURLToPath(import.meta.url));
const codexCapture = JSON.parse(readFileSync(join(here, "fixtures", "codex-0.169.0-responses.json"), "utf8"));

const baseContext: ResponsesRequestContext = {
  history: [],
  referencedItems: new Map(),
  thoughtSignatures: new Map(),
  remoteMedia: new Map(),
  modelAliases: [],
};

function convert(body: Record<string, unknown>, context: Partial<ResponsesRequestContext> = {}) {
  return convertResponsesRequest(parseResponsesRequest(body), { ...baseContext, ...context });
}

/**
 * The fake Gemini's own request checks, in process: what the real API would refuse, it refuses. The
 * signatures these tests make up stand for ones Gemini issued, so the signer is told about them: the check
 * is that every step that needs one has one.
 */
function expectAcceptedByFakeGemini(model: string, body: unknown): void {
  const fakeModel = new ModelCatalog(DEFAULT_MODELS).find(model);
  if (fakeModel === undefined) throw new Error(`the fake has no model ${model}`);
  const request = parseGenerateContentRequest(JSON.parse(JSON.stringify(body)));
  checkGenerateContentRequest(request, fakeModel);
  if (fakeModel.enforcesThoughtSignatures) {
    const signer = new ThoughtSignatures();
    for (const content of request.contents) {
      for (const part of content.parts) if (part.thoughtSignature) signer.remember(part.thoughtSignature);
    }
    checkCurrentTurnSignatures(request.contents, signer);
  }
}

function errorOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("the recorded Codex CLI 0.169.0 request", () => {
  test("becomes a Gemini request the fake Gemini accepts", () => {
    const converted = convert(codexCapture.body);
    expect(converted.model).toBe("gemini-2.5-flash");
    expect(converted.stream).toBe(true);
    expect(converted.store).toBe(false);
    expect(converted.includeEncryptedContent).toBe(true);
    expectAcceptedByFakeGemini(converted.model, converted.body);
  });

  test("developer messages go to systemInstruction, user messages to contents", () => {
    const { body } = convert(codexCapture.body);
    expect(body.systemInstruction?.parts.map((part) => part.text)).toEqual([
      "<16979 chars>",
      "<2123 chars>",
      "<341 chars>",
    ]);
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "<409 chars>" }, { text: "List the files here" }] },
    ]);
  });

  test("function tools keep their schema, the namespace's tools are namespace.name, web_search is left out", () => {
    const { body } = convert(codexCapture.body);
    const declarations = body.tools?.[0]?.functionDeclarations ?? [];
    expect(declarations.map((declaration) => declaration.name)).toEqual([
      "exec_command",
      "write_stdin",
      "request_user_input",
      "view_image",
      "multi_agent_v1.close_agent",
      "multi_agent_v1.resume_agent",
      "multi_agent_v1.send_input",
      "multi_agent_v1.spawn_agent",
      "multi_agent_v1.wait_agent",
      "get_goal",
      "create_goal",
      "update_goal",
    ]);
    const exec = declarations.find((declaration) => declaration.name === "exec_command");
    expect(exec?.parametersJsonSchema).toEqual(codexCapture.body.tools[0].parameters);
    const close = declarations.find((declaration) => declaration.name === "multi_agent_v1.close_agent");
    expect(close?.description).toMatch(/^Tools for spawning and managing sub-agents\.\n\n/);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "AUTO" } });
  });

  test("reasoning.summary asks Gemini for its thoughts", () => {
    const { body } = convert(codexCapture.body);
    expect(body.generationConfig?.thinkingConfig).toEqual({ includeThoughts: true });
    const quiet = convert(codexCapture.body, { reasoningOutput: "none" });
    expect(quiet.body.generationConfig).toBeUndefined();
  });
});

describe("input", () => {
  test("a string is one user message; instructions lead the system instruction", () => {
    const { body } = convert({ model: "gemini-2.5-flash", input: "Hi", instructions: "Be brief." });
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
    });
  });

  test("messages without a type, system and developer roles anywhere, assistant text, empty text left out", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: [
        { role: "system", content: "Rule one." },
        {
          role: "user",
          content: [
            { type: "input_text", text: "Q1" },
            { type: "input_text", text: "" },
          ],
        },
        {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: "A1", annotations: [] }],
        },
        { role: "developer", content: [{ type: "input_text", text: "Rule two." }] },
        { role: "user", content: "Q2" },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Rule one." }, { text: "Rule two." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Q1" }] },
      { role: "model", parts: [{ text: "A1" }] },
      { role: "user", parts: [{ text: "Q2" }] },
    ]);
  });

  test("a function call and its output become functionCall and functionResponse; outputs follow call order", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: [
        { role: "user", content: "Look around." },
        { type: "function_call", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
        { type: "function_call", call_id: "call_2", name: "exec_command", arguments: '{"cmd":"pwd"}' },
        { type: "function_call_output", call_id: "call_2", output: "/work" },
        { type: "function_call_output", call_id: "call_1", output: '{"files":["a"]}' },
      ],
      tools: [
        {
          type: "function",
          name: "exec_command",
          parameters: { type: "object", properties: { cmd: { type: "string" } } },
        },
      ],
    });
    expect(body.contents.slice(1)).toEqual([
      {
        role: "model",
        parts: [
          { functionCall: { name: "exec_command", args: { cmd: "ls" } } },
          { functionCall: { name: "exec_command", args: { cmd: "pwd" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "exec_command", response: { files: ["a"] } } },
          { functionResponse: { name: "exec_command", response: { output: "/work" } } },
        ],
      },
    ]);
    expectAcceptedByFakeGemini("gemini-2.5-flash", body);
  });

  test("a call without its output gets an error response when the conversation goes on", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: [
        { role: "user", content: "Go." },
        { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
        { role: "user", content: "Never mind." },
      ],
    });
    expect(body.contents.at(-1)).toEqual({
      role: "user",
      parts: [
        {
          functionResponse: { name: "f", response: { error: "No result was provided for this tool call." } },
        },
        { text: "Never mind." },
      ],
    });
  });

  test("an output whose call is not in the history becomes text", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: [{ type: "function_call_output", call_id: "call_gone", output: "42" }],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Result of tool call call_gone:\n42" }] },
    ]);
  });

  test("an image a tool returned (Codex's view_image) follows the function responses", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: [
        { role: "user", content: "Look at it." },
        { type: "function_call", call_id: "call_v", name: "view_image", arguments: '{"path":"a.png"}' },
        {
          type: "function_call_output",
          call_id: "call_v",
          output: [{ type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=" }],
        },
      ],
    });
    expect(body.contents.at(-1)).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "view_image", response: { output: "" } } },
        { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      ],
    });
    expectAcceptedByFakeGemini("gemini-2.5-flash", body);
  });

  test("images and files: data URLs inline, downloaded URLs from the route, others a clear 400", () => {
    const remoteMedia = new Map([["https://example.com/cat.jpg", { mimeType: "image/jpeg", data: "AAAA" }]]);
    const input = [
      {
        role: "user",
        content: [
          { type: "input_text", text: "What is this?" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
          { type: "input_image", image_url: "https://example.com/cat.jpg" },
          { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
          { type: "input_file", filename: "b.pdf", file_data: "JVBERi0=" },
        ],
      },
    ];
    const { body } = convert({ model: "gemini-2.5-flash", input }, { remoteMedia });
    expect(body.contents[0]?.parts).toEqual([
      { text: "What is this?" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { inlineData: { mimeType: "image/jpeg", data: "AAAA" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
    ]);
    expect(
      collectRemoteMediaUrls(parseResponsesRequest({ model: "m", input }).input as ResponsesInputItem[]),
    ).toEqual(["https://example.com/cat.jpg"]);
    const notDownloaded = errorOf(() => convert({ model: "gemini-2.5-flash", input }));
    expect(notDownloaded).toMatchObject({ status: 400, param: "input[0].content[2].image_url" });
    const fileId = errorOf(() =>
      convert({
        model: "m",
        input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }],
      }),
    );
    expect(fileId).toMatchObject({ status: 400, param: "input[0].content[0].file_id" });
    expect(fileId.message).toContain("Files API");
  });

  test("items Gemini has nothing to read in are accepted and left out", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: [
        { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "x" } },
        { type: "compaction", encrypted_content: "opaque" },
        { role: "user", content: "Hi" },
      ],
    });
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "Hi" }] }]);
  });

  test("item references are replaced by the stored items; an unknown one is OpenAI's 404", () => {
    const referencedItems = new Map<string, ResponsesInputItem>([
      [
        "msg_stored",
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Stored answer" }] },
      ],
    ]);
    const converted = convert(
      {
        model: "gemini-2.5-flash",
        input: [
          { role: "user", content: "Q" },
          { type: "item_reference", id: "msg_stored" },
          { id: "msg_stored" },
          { role: "user", content: "More" },
        ],
      },
      { referencedItems },
    );
    expect(converted.body.contents[1]).toEqual({
      role: "model",
      parts: [{ text: "Stored answer" }, { text: "Stored answer" }],
    });
    expect(converted.inputItems[1]).toEqual(referencedItems.get("msg_stored"));
    const unknown = errorOf(() =>
      convert({
        model: "m",
        input: [
          { role: "user", content: "Q" },
          { type: "item_reference", id: "rs_nope" },
        ],
      }),
    );
    expect(unknown).toMatchObject({ status: 404, type: "invalid_request_error", param: "input[1]" });
    expect(unknown.message).toContain("rs_nope");
  });

  test("a mistake in the input is named by its place in `input`, after the earlier conversation", () => {
    const error = errorOf(() =>
      convert(
        { model: "m", input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] },
        { history: [{ type: "message", role: "user", content: "Earlier" }] },
      ),
    );
    expect(error).toMatchObject({ status: 400, param: "input[0].content[0].file_id" });
  });

  test("a tool output nested too deep is named by its own place, not by a chat field", () => {
    const deep = `${"[".repeat(200)}${"]".repeat(200)}`;
    const error = errorOf(() =>
      convert({
        model: "m",
        input: [
          { type: "function_call", call_id: "call_1", name: "shell", arguments: "{}" },
          { type: "function_call_output", call_id: "call_1", output: deep },
        ],
      }),
    );
    expect(error).toMatchObject({ status: 400, code: "json_too_deep", param: "input[1].output" });
  });

  test("the previous conversation comes first", () => {
    const { body } = convert(
      { model: "gemini-2.5-flash", input: "And then?", previous_response_id: "resp_x" },
      {
        history: [
          { type: "message", role: "user", content: "Once upon a time" },
          {
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "there was a key." }],
          },
        ],
      },
    );
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Once upon a time" }] },
      { role: "model", parts: [{ text: "there was a key." }] },
      { role: "user", parts: [{ text: "And then?" }] },
    ]);
  });
});

describe("thought signatures", () => {
  const toolTurn = (reasoning: Record<string, unknown>[]) => ({
    model: "gemini-3-flash-preview",
    input: [
      { role: "user", content: "List files." },
      ...reasoning,
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Looking." }] },
      { type: "function_call", call_id: "call_a", name: "exec_command", arguments: '{"cmd":"ls"}' },
      { type: "function_call", call_id: "call_b", name: "exec_command", arguments: '{"cmd":"pwd"}' },
      { type: "function_call_output", call_id: "call_a", output: "a.txt" },
      { type: "function_call_output", call_id: "call_b", output: "/w" },
    ],
  });
  const modelStep = (body: ReturnType<typeof convert>["body"]) => body.contents[1]?.parts;

  test("a reasoning item's carrier puts each signature back on its call, and a text signature on the text", () => {
    const carrier = encodeSignatureCarrier([
      { callId: "call_a", signature: "sig-a" },
      { signature: "sig-text" },
    ]);
    const { body } = convert(
      toolTurn([{ type: "reasoning", id: "rs_1", summary: [], encrypted_content: carrier }]),
    );
    expect(modelStep(body)).toEqual([
      { text: "Looking.", thoughtSignature: "sig-text" },
      { functionCall: { name: "exec_command", args: { cmd: "ls" } }, thoughtSignature: "sig-a" },
      { functionCall: { name: "exec_command", args: { cmd: "pwd" } } },
    ]);
    expectAcceptedByFakeGemini("gemini-3-flash-preview", body);
  });

  test("without a carrier the gateway's stored signature is used, else Google's placeholder on Gemini 3", () => {
    const stored = convert(toolTurn([]), { thoughtSignatures: new Map([["call_a", "sig-stored"]]) });
    expect(modelStep(stored.body)?.[1]).toMatchObject({ thoughtSignature: "sig-stored" });
    const placeholder = convert(toolTurn([]));
    expect(modelStep(placeholder.body)?.[1]).toMatchObject({
      thoughtSignature: "skip_thought_signature_validator",
    });
    expect(modelStep(placeholder.body)?.[2]?.thoughtSignature).toBeUndefined();
    expectAcceptedByFakeGemini("gemini-3-flash-preview", placeholder.body);
  });

  test("OpenAI's own encrypted content (not the gateway's) is ignored, and Gemini 2.5 gets no placeholder", () => {
    const { body } = convert({
      ...toolTurn([{ type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAAAABopaque==" }]),
      model: "gemini-2.5-flash",
    });
    expect(JSON.stringify(body)).not.toContain("thoughtSignature");
  });
});

describe("tools", () => {
  test("custom tools are one-string-argument functions; their calls and outputs replay as such", () => {
    const { body, tools } = convert({
      model: "gemini-2.5-flash",
      tools: [
        {
          type: "custom",
          name: "apply_patch",
          description: "Apply a patch.",
          format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
        },
      ],
      input: [
        { role: "user", content: "Patch it." },
        { type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: "*** Begin Patch" },
        { type: "custom_tool_call_output", call_id: "call_p", output: "Done!" },
      ],
    });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "apply_patch",
            description: "Apply a patch.\n\nThe 'input' argument must follow this lark grammar:\nstart: /.+/",
            parametersJsonSchema: {
              type: "object",
              properties: { input: { type: "string", description: "The tool's whole input, as free text." } },
              required: ["input"],
            },
          },
        ],
      },
    ]);
    expect(body.contents.slice(1)).toEqual([
      {
        role: "model",
        parts: [{ functionCall: { name: "apply_patch", args: { input: "*** Begin Patch" } } }],
      },
      { role: "user", parts: [{ functionResponse: { name: "apply_patch", response: { output: "Done!" } } }] },
    ]);
    expect(tools.toClient("apply_patch")).toEqual({ kind: "custom", name: "apply_patch" });
    expectAcceptedByFakeGemini("gemini-2.5-flash", body);
  });

  test("a namespaced call in the history replays under the namespaced Gemini name", () => {
    const { body, tools } = convert({
      model: "gemini-2.5-flash",
      tools: [{ type: "namespace", name: "ns", description: "", tools: [{ type: "function", name: "go" }] }],
      input: [
        { role: "user", content: "Go." },
        { type: "function_call", call_id: "call_g", name: "go", namespace: "ns", arguments: "{}" },
        { type: "function_call_output", call_id: "call_g", output: "went" },
      ],
    });
    expect(body.contents[1]).toEqual({
      role: "model",
      parts: [{ functionCall: { name: "ns.go", args: {} } }],
    });
    expect(tools.toClient("ns.go")).toEqual({ kind: "function", name: "go", namespace: "ns" });
  });

  test("names Gemini refuses are mapped and mapped back", () => {
    const { body, tools } = convert({
      model: "gemini-2.5-flash",
      tools: [
        {
          type: "function",
          name: "my tool/v2",
          parameters: { type: "object", properties: { a: { type: "string" } } },
        },
      ],
      input: "x",
    });
    const geminiName = body.tools?.[0]?.functionDeclarations?.[0]?.name ?? "";
    expect(geminiName).toMatch(/^my_tool_v2_[0-9a-f]{8}$/);
    expect(tools.toClient(geminiName)).toEqual({ kind: "function", name: "my tool/v2" });
  });

  const twoTools = [
    { type: "function", name: "a", parameters: { type: "object", properties: { x: { type: "string" } } } },
    { type: "function", name: "b", parameters: { type: "object", properties: { x: { type: "string" } } } },
  ];
  test.each([
    ["auto", { mode: "AUTO" }, ["a", "b"]],
    ["none", { mode: "NONE" }, ["a", "b"]],
    ["required", { mode: "ANY" }, ["a", "b"]],
    [{ type: "function", name: "b" }, { mode: "ANY", allowedFunctionNames: ["b"] }, ["a", "b"]],
    [
      { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "a" }] },
      { mode: "ANY", allowedFunctionNames: ["a"] },
      ["a"],
    ],
    [
      { type: "allowed_tools", mode: "auto", tools: [{ type: "function", name: "b" }] },
      { mode: "AUTO" },
      ["b"],
    ],
    [{ type: "web_search" }, { mode: "AUTO" }, ["a", "b"]],
  ])("tool_choice %j → %j, declaring %j", (toolChoice, functionCallingConfig, declared) => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: "x",
      tools: twoTools,
      tool_choice: toolChoice,
    });
    expect(body.toolConfig).toEqual({ functionCallingConfig });
    expect(body.tools?.[0]?.functionDeclarations?.map((declaration) => declaration.name)).toEqual(declared);
  });

  test("hosted tools alone declare nothing, whatever the tool choice", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: "x",
      tools: [{ type: "web_search" }, { type: "local_shell" }, { type: "mcp", server_label: "s" }],
      tool_choice: "required",
    });
    expect(body.tools).toBeUndefined();
    expect(body.toolConfig).toBeUndefined();
  });
});

describe("generation settings", () => {
  test.each([
    ["gemini-2.5-flash", "low", { thinkingBudget: 1024 }],
    ["gemini-2.5-pro", "none", { thinkingBudget: 128 }],
    ["gemini-2.5-flash", "none", { thinkingBudget: 0 }],
    ["gemini-3-pro-preview", "medium", { thinkingLevel: "HIGH" }],
    ["gemini-3-flash-preview", "minimal", { thinkingLevel: "MINIMAL" }],
    ["gemini-3-flash-preview", "xhigh", { thinkingLevel: "HIGH" }],
  ])("%s with reasoning.effort %s → %j", (model, effort, thinkingConfig) => {
    const { body } = convert({ model, input: "x", reasoning: { effort } });
    expect(body.generationConfig?.thinkingConfig).toEqual(thinkingConfig);
    expectAcceptedByFakeGemini(model, body);
  });

  test("effort and a summary together: the level and the thoughts", () => {
    const { body } = convert({
      model: "gemini-3-flash-preview",
      input: "x",
      reasoning: { effort: "low", summary: "detailed" },
    });
    expect(body.generationConfig?.thinkingConfig).toEqual({ includeThoughts: true, thinkingLevel: "LOW" });
  });

  test("sampling, max_output_tokens clamped to the model's limit, JSON output", () => {
    const { body } = convert({
      model: "gemini-2.5-flash",
      input: "x",
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 1_000_000,
      text: {
        format: {
          type: "json_schema",
          name: "answer",
          schema: { type: "object", properties: { n: { type: "number" } } },
          strict: true,
        },
      },
    });
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 65_536,
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", properties: { n: { type: "number" } } },
    });
    const jsonObject = convert({
      model: "gemini-2.5-flash",
      input: "x",
      text: { format: { type: "json_object" } },
    });
    expect(jsonObject.body.generationConfig).toEqual({ responseMimeType: "application/json" });
  });

  test("MODEL_ALIASES maps Codex's own model names to Gemini", () => {
    const modelAliases = parseModelAliases("gpt-5*=gemini-2.5-pro,*=gemini-2.5-flash");
    expect(convert({ model: "gpt-5-codex", input: "x" }, { modelAliases }).model).toBe("gemini-2.5-pro");
    expect(convert({ model: "o3", input: "x" }, { modelAliases }).model).toBe("gemini-2.5-flash");
    expect(convert({ model: "gemini-3-pro-preview", input: "x" }, { modelAliases }).model).toBe(
      "gemini-3-pro-preview",
    );
  });

  test("store defaults to true; include decides whether carriers are shown", () => {
    expect(convert({ model: "m", input: "x" })).toMatchObject({
      store: true,
      includeEncryptedContent: false,
      stream: false,
    });
  });
});
