import { describe, expect, test } from "@jest/globals";
import { GatewayError } from "../../../src/errors.js";
import { parseChatCompletionRequest } from "../../../src/openai/chat-request-schema.js";
import { collectRemoteMediaUrls } from "../../../src/translate/convert-openai-request.js";
import { convert, userText } from "./convert-request-helpers.js";
import { pngBase64, pngDataUrl, r01, r04, r09, r11, r12, r13, r14 } from "./fixtures/client-requests.js";

describe("messages and roles", () => {
  test("R01: system → systemInstruction, user text parts → a user content; 2.5 flash asked for its thoughts", () => {
    expect(convert(r01).body).toEqual({
      systemInstruction: { parts: [{ text: "You are Cline…" }] },
      contents: [{ role: "user", parts: [{ text: "<task>Say hi</task>" }] }],
      generationConfig: { temperature: 0, thinkingConfig: { includeThoughts: true } },
    });
  });

  test("R14: developer is system; R13: system as parts with cache_control (ignored)", () => {
    expect(convert(r14).body.systemInstruction).toEqual({
      parts: [{ text: "Formatting re-enabled\nBe terse." }],
    });
    const r13Body = convert(r13).body;
    expect(r13Body.systemInstruction).toEqual({ parts: [{ text: "<long system prompt>" }] });
    expect(r13Body.contents).toEqual([{ role: "user", parts: [{ text: "hello" }] }]);
    expect(JSON.stringify(r13Body)).not.toContain("cache_control");
  });

  test("every system and developer message joins systemInstruction, wherever it stands", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "one" },
        userText("hi"),
        {
          role: "developer",
          content: [
            { type: "text", text: "two" },
            { type: "text", text: "" },
          ],
        },
        userText("again"),
      ],
    }).body;
    expect(body.systemInstruction).toEqual({ parts: [{ text: "one" }, { text: "two" }] });
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "hi" }, { text: "again" }] }]);
  });

  test("multi-turn history: assistant → model; consecutive same roles merge; empty text never sent", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [
        userText("a"),
        userText(""),
        { role: "assistant", content: "b" },
        { role: "assistant", content: null },
        { role: "assistant", content: "" },
        { role: "assistant", content: [{ type: "text", text: "c" }] },
        userText("d"),
      ],
    }).body;
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "a" }] },
      { role: "model", parts: [{ text: "b" }, { text: "c" }] },
      { role: "user", parts: [{ text: "d" }] },
    ]);
  });

  test("a conversation with no content at all is a 400 naming messages", () => {
    expect(() =>
      convert({ model: "gemini-2.5-flash", messages: [{ role: "system", content: "x" }, userText("")] }),
    ).toThrow(expect.objectContaining({ status: 400, param: "messages" }));
  });

  test("a models/ prefix is removed from the model", () => {
    expect(convert({ ...r11, model: "models/gemini-2.5-flash" }).model).toBe("gemini-2.5-flash");
  });
});

describe("content parts", () => {
  test("R12: data-URL images → inlineData; tool → user(image) lands after the functionResponse in one user content", () => {
    const body = convert(r12).body;
    expect(body.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "What is in the image?" },
          { inlineData: { mimeType: "image/png", data: pngBase64 } },
        ],
      },
      {
        role: "model",
        parts: [{ functionCall: { name: "browser_action", args: { action: "screenshot" } } }],
      },
      {
        role: "user",
        parts: [
          {
            functionResponse: {
              name: "browser_action",
              response: { output: "Screenshot taken (see following user message for image)" },
            },
          },
          { inlineData: { mimeType: "image/png", data: pngBase64 } },
        ],
      },
    ]);
  });

  test("input_audio, file (data URL and bare base64 with a filename) and video_url data URLs → inlineData", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [
        {
          role: "user",
          content: [
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
            { type: "file", file: { filename: "notes.txt", file_data: "aGVsbG8=" } },
            { type: "video_url", video_url: { url: "data:video/mp4;base64,AAAAIGZ0eXA=" } },
            { type: "video_url", video_url: { url: "https://www.youtube.com/watch?v=9hE5-98ZeCg" } },
          ],
        },
      ],
    }).body;
    expect(body.contents[0]?.parts).toEqual([
      { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
      { inlineData: { mimeType: "text/plain", data: "aGVsbG8=" } },
      { inlineData: { mimeType: "video/mp4", data: "AAAAIGZ0eXA=" } },
      { fileData: { fileUri: "https://www.youtube.com/watch?v=9hE5-98ZeCg" } },
    ]);
  });

  test("a percent-encoded data URL is re-encoded as base64", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: "data:image/svg+xml,%3Csvg%2F%3E" } }],
        },
      ],
    }).body;
    expect(body.contents[0]?.parts).toEqual([
      { inlineData: { mimeType: "image/svg+xml", data: Buffer.from("<svg/>").toString("base64") } },
    ]);
  });

  // A counter-example of test/property/convert-openai-request.property.test.ts: it threw a URIError.
  test("a percent-encoded data URL with a stray % keeps it as it is, as browsers read it", () => {
    const body = convert({
      model: "gemini-2.5-pro",
      messages: [
        { role: "user", content: "!" },
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: "data:text/plain,%", detail: "low" } }],
        },
        { role: "user", content: [{ type: "image_url", image_url: { url: "data:text/plain,100%25%zz" } }] },
      ],
    }).body;
    expect(body.contents[0]?.parts).toEqual([
      { text: "!" },
      { inlineData: { mimeType: "text/plain", data: Buffer.from("%").toString("base64") } },
      { inlineData: { mimeType: "text/plain", data: Buffer.from("100%%zz").toString("base64") } },
    ]);
  });

  test("http(s) images come from remoteMedia; collectRemoteMediaUrls lists them once (bare-string form too)", () => {
    const request = {
      model: "gemini-2.5-flash",
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "high" } },
            { type: "image_url", image_url: { url: pngDataUrl } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            {
              type: "image_url",
              image_url: { url: "https://generativelanguage.googleapis.com/v1beta/files/abc" },
            },
          ],
        },
      ],
    };
    expect(collectRemoteMediaUrls(parseChatCompletionRequest(request))).toEqual([
      "https://example.com/cat.jpg",
    ]);
    const remoteMedia = new Map([["https://example.com/cat.jpg", { mimeType: "image/jpeg", data: "/9j/" }]]);
    expect(convert(request, { remoteMedia }).body.contents[0]?.parts).toEqual([
      { inlineData: { mimeType: "image/jpeg", data: "/9j/" } },
      { inlineData: { mimeType: "image/png", data: pngBase64 } },
      { inlineData: { mimeType: "image/jpeg", data: "/9j/" } },
      { fileData: { fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc" } },
    ]);
  });

  test("an image URL that was not downloaded, or of another scheme, is a 400 naming the part", () => {
    const withUrl = (url: string) => ({
      model: "gemini-2.5-flash",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "x" },
            { type: "image_url", image_url: { url } },
          ],
        },
      ],
    });
    expect(() => convert(withUrl("https://example.com/a.png"))).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].content[1].image_url.url" }),
    );
    expect(() => convert(withUrl("ftp://example.com/a.png"))).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].content[1].image_url.url" }),
    );
  });

  test("a file given only by OpenAI file_id is a 400 naming file_id", () => {
    expect(() =>
      convert({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }],
      }),
    ).toThrow(expect.objectContaining({ status: 400, param: "messages[0].content[0].file.file_id" }));
  });
});

describe("tool results", () => {
  test("R04: both results in ONE user content in call order; (empty) → {output: ''}; environment text after", () => {
    const contents = convert(r04).body.contents;
    expect(contents.slice(1)).toEqual([
      {
        role: "model",
        parts: [
          { functionCall: { name: "read_file", args: { path: "a.ts", mode: "slice" } } },
          { functionCall: { name: "read_file", args: { path: "b.ts", mode: "slice" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "read_file", response: { output: "1 | export const a = 1" } } },
          { functionResponse: { name: "read_file", response: { output: "" } } },
          { text: "<environment_details>…</environment_details>" },
        ],
      },
    ]);
  });

  test("results sent out of order are put back in call order", () => {
    const messages = [...r04.messages.slice(0, 3), r04.messages[4], r04.messages[3]];
    const parts = convert({ ...r04, messages }).body.contents[2]?.parts;
    expect(parts?.map((part) => part.functionResponse?.response)).toEqual([
      { output: "1 | export const a = 1" },
      { output: "" },
    ]);
  });

  test("response bodies: JSON object as-is, JSON array and text wrapped, text parts joined, empty → ''", () => {
    const results: Array<[unknown, unknown]> = [
      ['{"temp_c": 21}', { temp_c: 21 }],
      ['{"error": "not found"}', { error: "not found" }],
      ["[1, 2]", { output: [1, 2] }],
      ["42", { output: "42" }],
      ["{not json", { output: "{not json" }],
      [
        [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
        { output: "ab" },
      ],
      ["", { output: "" }],
      [null, { output: "" }],
      ["(empty)", { output: "" }],
    ];
    for (const [content, expected] of results) {
      const body = convert({
        model: "gemini-2.5-flash",
        messages: [
          userText("go"),
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "c1", content },
        ],
      }).body;
      expect(body.contents[2]).toEqual({
        role: "user",
        parts: [{ functionResponse: { name: "f", response: expected } }],
      });
    }
  });

  test("a call whose result never came gets an error response so the counts match; a trailing call does not", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [
        userText("go"),
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c1", type: "function", function: { name: "f", arguments: "{}" } },
            { id: "c2", type: "function", function: { name: "g", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "c2", content: "ok" },
        userText("next"),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c3", type: "function", function: { name: "f" } }],
        },
      ],
    }).body;
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "go" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "f", args: {} } }, { functionCall: { name: "g", args: {} } }],
      },
      {
        role: "user",
        parts: [
          {
            functionResponse: {
              name: "f",
              response: { error: "No result was provided for this tool call." },
            },
          },
          { functionResponse: { name: "g", response: { output: "ok" } } },
          { text: "next" },
        ],
      },
      { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
    ]);
  });

  test("a result whose call is not in the history becomes readable text, not a nameless functionResponse", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [userText("go"), { role: "tool", tool_call_id: "call_gone", content: "data" }],
    }).body;
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "go" }, { text: "Result of tool call call_gone:\ndata" }] },
    ]);
  });

  test("legacy function messages answer the legacy function_call by name", () => {
    const body = convert({
      model: "gemini-2.5-flash",
      messages: [
        userText("go"),
        { role: "assistant", content: null, function_call: { name: "f", arguments: '{"a":1}' } },
        { role: "function", name: "f", content: "done" },
      ],
    }).body;
    expect(body.contents.slice(1)).toEqual([
      { role: "model", parts: [{ functionCall: { name: "f", args: { a: 1 } } }] },
      { role: "user", parts: [{ functionResponse: { name: "f", response: { output: "done" } } }] },
    ]);
  });
});

describe("generation config", () => {
  test("sampling, limits, stop, n, seed and penalties", () => {
    const config = convert({
      model: "gemini-2.0-flash",
      messages: [userText("x")],
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 100,
      stop: ["END", ""],
      n: 2,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: 0,
    }).body.generationConfig;
    expect(config).toEqual({
      temperature: 0.7,
      topP: 0.9,
      maxOutputTokens: 100,
      stopSequences: ["END"],
      candidateCount: 2,
      seed: 42,
      presencePenalty: 0.5,
    });
  });

  test("R09: max_completion_tokens wins over max_tokens; either alone is used; stop as a string", () => {
    expect(convert({ ...r09, max_tokens: 10 }).body.generationConfig?.maxOutputTokens).toBe(64);
    expect(convert({ ...r09, max_completion_tokens: undefined }).body.generationConfig?.maxOutputTokens).toBe(
      64,
    );
    expect(convert({ ...r09, max_tokens: undefined }).body.generationConfig?.maxOutputTokens).toBe(64);
    expect(convert({ ...r11, stop: "\n\n" }).body.generationConfig?.stopSequences).toEqual(["\n\n"]);
  });

  test("R11: a bare request has no generationConfig on a model without thinking", () => {
    expect(convert({ ...r11, model: "gemini-2.0-flash" }).body).toEqual({
      contents: [{ role: "user", parts: [{ text: "Improve this prompt: fix bug" }] }],
    });
  });

  test("response_format: json_object → JSON mime; json_schema → responseJsonSchema as given; text → nothing", () => {
    const schema = {
      type: "object",
      properties: { ok: { type: "boolean" } },
      required: ["ok"],
      additionalProperties: false,
    };
    const base = { model: "gemini-2.0-flash", messages: [userText("x")] };
    expect(convert({ ...base, response_format: { type: "json_object" } }).body.generationConfig).toEqual({
      responseMimeType: "application/json",
    });
    expect(
      convert({
        ...base,
        response_format: { type: "json_schema", json_schema: { name: "r", strict: true, schema } },
      }).body.generationConfig,
    ).toEqual({ responseMimeType: "application/json", responseJsonSchema: schema });
    expect(convert({ ...base, response_format: { type: "text" } }).body.generationConfig).toBeUndefined();
  });

  test("json_schema with the openapi format → cleaned responseSchema", () => {
    const config = convert(
      {
        model: "gemini-2.0-flash",
        messages: [userText("x")],
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "r",
            schema: { type: "object", properties: { ok: { type: "boolean" } }, additionalProperties: false },
          },
        },
      },
      { toolSchemaFormat: "openapi" },
    ).body.generationConfig;
    expect(config).toEqual({
      responseMimeType: "application/json",
      responseSchema: { type: "OBJECT", properties: { ok: { type: "BOOLEAN" } } },
    });
  });

  test("stream flags: includeUsage only for a stream that asked for it", () => {
    expect(convert(r01)).toMatchObject({ stream: true, includeUsage: true });
    expect(convert({ ...r01, stream_options: undefined })).toMatchObject({
      stream: true,
      includeUsage: false,
    });
    expect(convert({ ...r11, stream_options: { include_usage: true } })).toMatchObject({
      stream: false,
      includeUsage: false,
    });
  });

  test("extra_body.google.cached_content → cachedContent", () => {
    expect(
      convert({ ...r11, extra_body: { google: { cached_content: "cachedContents/abc" } } }).body
        .cachedContent,
    ).toBe("cachedContents/abc");
  });
});

describe("unknown fields are accepted and never forwarded", () => {
  test("client and provider extras vanish from the Gemini body", () => {
    const body = convert({
      model: "gemini-2.0-flash",
      user: "u1",
      metadata: { a: "b" },
      store: false,
      parallel_tool_calls: true,
      verbosity: "low",
      reasoning: {},
      thinking: { type: "adaptive" },
      stream_options: { include_usage: true, include_obfuscation: false },
      service_tier: "auto",
      messages: [
        { role: "system", content: "s", name: "sys" },
        {
          role: "user",
          content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }],
          name: "me",
        },
        {
          role: "assistant",
          content: "ok",
          reasoning_content: "r",
          reasoning_details: [{ type: "reasoning.text", text: "r" }],
          refusal: null,
        },
        userText("go"),
      ],
    }).body;
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: "s" }] },
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ text: "ok" }] },
        { role: "user", parts: [{ text: "go" }] },
      ],
    });
  });

  test("conversion errors are GatewayErrors", () => {
    expect(() => convert({ model: "m", messages: [{ role: "system", content: "x" }] })).toThrow(GatewayError);
  });
});
