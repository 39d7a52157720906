/**
 * Arbitrary OpenAI chat requests within what the gateway accepts (src/openai/chat-request-schema.ts):
 * every message role and content part, tool loops with results missing, shuffled or orphaned, legacy
 * `functions`, tool names Gemini would refuse, arbitrary JSON Schema parameters, tool choices, response
 * formats, reasoning efforts, sampling settings, junk fields clients add, every model family.
 *
 * Inputs the gateway rightly refuses with a 400 (an OpenAI `file_id`, a media URL that is not data,
 * http or a Gemini file) and settings passed through exactly as the client wrote them (an explicit
 * `thinking_config` budget or level) are left out: this describes requests that must reach Gemini.
 */
import fc from "fast-check";
import { reasoningEffortValues } from "../../../src/openai/chat-request-schema.js";
import { jsonSchema, objectJsonSchema } from "./json-schema.js";

export interface ChatRequestOptions {
  /** The models to ask for. */
  models: readonly string[];
  /** Thought signatures Gemini would accept back (placeholders, or ones the fake issued). */
  acceptedSignatures: readonly string[];
  /** Tool-call ids in history, from `call_0` to `call_<toolCallIds - 1>`. */
  toolCallIds: number;
}

/** A tiny PNG, for every image the tests send. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Text as people and agents write it, including what Gemini refuses when sent as is (empty text). */
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "(empty)", "{}", "[1, 2]", '{"ok": true}', "42", "\n") },
);
const nonEmptyText = fc.string({ minLength: 1, maxLength: 30 }).filter((value) => value.trim() !== "");

/** Tool names: plain, MCP-style, and what only OpenAI allows (spaces, leading digits, 200 characters). */
export const toolName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("read_file", "list_files", "mcp--srv--search", "ping", "a.b:c-d") },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom("1st tool", "get weather", "工具", "x".repeat(200), "-", "$ref") },
);

const base64 = fc.base64String({ minLength: 4, maxLength: 24 });

const imageUrl = fc.oneof(
  fc.constantFrom("image/png", "image/jpeg", "image/webp").map((mime) => `data:${mime};base64,${PNG_BASE64}`),
  base64.map((data) => `data:image/png;base64,${data}`),
  // Base64 folded over lines, as some clients send it.
  fc.constant(`data:image/png;base64,${PNG_BASE64.slice(0, 20)}\n${PNG_BASE64.slice(20)}`),
  // A percent-encoded payload, well-formed or not.
  fc.string({ maxLength: 12 }).map((payload) => `data:text/plain,${encodeURIComponent(payload)}`),
  fc.string({ maxLength: 12 }).map((payload) => `data:text/plain,${payload}`),
  fc.constant("https://generativelanguage.googleapis.com/v1beta/files/abc-123"),
  fc.constantFrom("https://example.com/cat.png", "http://example.org/a/b.jpg?size=2"),
);

const userPart = fc.oneof(
  { weight: 5, arbitrary: text.map((value) => ({ type: "text", text: value })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(imageUrl, fc.constantFrom("low", "high", "auto", null, undefined))
      .map(([url, detail]) => ({
        type: "image_url",
        image_url: detail === undefined ? { url } : { url, detail },
      })),
  },
  { weight: 1, arbitrary: imageUrl.map((url) => ({ type: "image_url", image_url: url })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(base64, fc.constantFrom("wav", "mp3", "audio/ogg", "FLAC"))
      .map(([data, format]) => ({ type: "input_audio", input_audio: { data, format } })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(base64, fc.constant(`data:application/pdf;base64,${PNG_BASE64}`)),
        fc.constantFrom("report.pdf", "notes.TXT", "noextension", null, undefined),
      )
      .map(([fileData, filename]) => ({
        type: "file",
        file: filename === undefined ? { file_data: fileData } : { file_data: fileData, filename },
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { type: "video_url", video_url: { url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ" } },
      { type: "video_url", video_url: { url: `data:video/mp4;base64,${PNG_BASE64}` } },
    ),
  },
);

/** Junk real clients add to messages: zod strips it, it must never reach Gemini. */
const messageJunk = fc.record(
  {
    cache_control: fc.constant({ type: "ephemeral" }),
    name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)),
    reasoning_content: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

const textParts = fc.array(
  text.map((value) => ({ type: "text", text: value })),
  { minLength: 1, maxLength: 3 },
);

const systemMessage = fc
  .tuple(fc.constantFrom("system", "developer"), fc.oneof(text, textParts), messageJunk)
  .map(([role, content, junk]) => ({ ...junk, role, content }));

const userMessage = fc
  .tuple(fc.oneof(text, fc.array(userPart, { minLength: 1, maxLength: 4 })), messageJunk)
  .map(([content, junk]) => ({ ...junk, role: "user", content }));

const assistantContent = fc.oneof(
  text,
  fc.constant(null),
  fc.array(
    fc.oneof(
      text.map((value) => ({ type: "text", text: value })),
      text.map((value) => ({ type: "refusal", refusal: value })),
    ),
    { maxLength: 3 },
  ),
);

const assistantTextMessage = fc
  .tuple(assistantContent, messageJunk)
  .map(([content, junk]) => ({ ...junk, role: "assistant", content }));

/** `arguments` as clients replay them: JSON text of an object, broken or cut JSON, empty, an object. */
const callArguments = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })
      .map((value) => JSON.stringify(value)),
  },
  { weight: 1, arbitrary: fc.constantFrom("", "{", '{"path": "a', "[1]", "null", "42", '"text"') },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);

const toolResultContent = fc.oneof(text, textParts, fc.constant(null));

/** One assistant turn of tool calls, then the results the client sends back: some, all, in any order. */
function toolRound(options: ChatRequestOptions, names: fc.Arbitrary<string>) {
  const signature = fc.option(fc.constantFrom(...options.acceptedSignatures), { nil: undefined });
  const call = fc.record({
    id: fc.nat({ max: options.toolCallIds - 1 }).map((number) => `call_${number}`),
    name: names,
    arguments: callArguments,
    signature,
    typed: fc.boolean(),
  });
  return fc
    .tuple(
      fc.uniqueArray(call, { minLength: 1, maxLength: 3, selector: (generated) => generated.id }),
      assistantContent,
      fc.boolean(),
    )
    .chain(([calls, content, orphan]) =>
      fc
        .tuple(
          fc.shuffledSubarray(calls),
          fc.array(toolResultContent, { minLength: calls.length + 1, maxLength: calls.length + 1 }),
        )
        .map(([answered, contents]) => [
          {
            role: "assistant",
            content,
            tool_calls: calls.map((generated) => ({
              id: generated.id,
              ...(generated.typed ? { type: "function" } : {}),
              function: { name: generated.name, arguments: generated.arguments },
              ...(generated.signature === undefined
                ? {}
                : { extra_content: { google: { thought_signature: generated.signature } } }),
            })),
          },
          ...answered.map((generated, position) => ({
            role: "tool",
            tool_call_id: generated.id,
            content: contents[position] ?? null,
          })),
          // A result whose call the client trimmed from the history.
          ...(orphan
            ? [{ role: "tool", tool_call_id: "call_trimmed", content: contents.at(-1) ?? null }]
            : []),
        ]),
    );
}

/** The legacy `functions` API: a `function_call` and the `function` message that answers it. */
function legacyFunctionRound(names: fc.Arbitrary<string>) {
  return fc
    .tuple(names, callArguments, fc.option(text, { nil: null }), fc.boolean())
    .map(([name, callArgs, content, answered]) => [
      { role: "assistant", content: null, function_call: { name, arguments: callArgs } },
      ...(answered ? [{ role: "function", name, content }] : []),
    ]);
}

const toolChoiceMode = fc.constantFrom("auto", "none", "required");

const responseFormat = fc.oneof(
  fc.constant({ type: "text" }),
  fc.constant({ type: "json_object" }),
  fc
    .record(
      {
        name: fc.string({ maxLength: 10 }),
        description: fc.string({ maxLength: 10 }),
        schema: fc.oneof(jsonSchema, objectJsonSchema, fc.constant(null)),
        strict: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((jsonSchemaFormat) => ({ type: "json_schema", json_schema: jsonSchemaFormat })),
);

/** A request the gateway accepts and must bring to Gemini in a form Gemini takes. */
export function openAIChatRequest(options: ChatRequestOptions): fc.Arbitrary<Record<string, unknown>> {
  return fc.uniqueArray(toolName, { maxLength: 4 }).chain((declared) => {
    // Calls in the history name declared tools mostly, and sometimes tools no longer declared.
    const names = declared.length > 0 ? fc.oneof(fc.constantFrom(...declared), toolName) : toolName;
    const functionDefinition = (name: string) =>
      fc
        .record(
          {
            description: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
            parameters: fc.oneof(objectJsonSchema, jsonSchema, fc.constant({}), fc.constant(null)),
            strict: fc.oneof(fc.boolean(), fc.constant(null)),
          },
          { requiredKeys: [] },
        )
        .map((definition) => ({ name, ...definition }));
    const definitions = fc.tuple(...declared.map(functionDefinition));
    const segment = fc.oneof(
      { weight: 3, arbitrary: userMessage.map((message) => [message]) },
      { weight: 1, arbitrary: systemMessage.map((message) => [message]) },
      { weight: 2, arbitrary: assistantTextMessage.map((message) => [message]) },
      { weight: 3, arbitrary: toolRound(options, names) },
      { weight: 1, arbitrary: legacyFunctionRound(names) },
    );
    const firstUser = nonEmptyText.map((value) => ({ role: "user", content: value }));
    const messages = fc
      .tuple(fc.array(systemMessage, { maxLength: 1 }), firstUser, fc.array(segment, { maxLength: 6 }))
      .map(([system, first, rest]) => [...system, first, ...rest.flat()]);
    const toolChoice =
      declared.length > 0
        ? fc.oneof(
            toolChoiceMode,
            fc.constantFrom(...declared).map((name) => ({ type: "function", function: { name } })),
          )
        : toolChoiceMode;

    return fc
      .tuple(
        fc.constantFrom(...options.models.flatMap((model) => [model, `models/${model}`])),
        messages,
        definitions,
        fc.boolean(),
        fc.record(
          {
            tool_choice: toolChoice,
            stream: fc.boolean(),
            stream_options: fc.record({ include_usage: fc.boolean() }),
            temperature: fc.double({ min: 0, max: 2, noNaN: true }),
            top_p: fc.double({ min: 0, max: 1, noNaN: true }),
            max_tokens: fc.integer({ min: 1, max: 100_000 }),
            max_completion_tokens: fc.integer({ min: 1, max: 100_000 }),
            stop: fc.oneof(text, fc.array(text, { maxLength: 4 })),
            n: fc.integer({ min: 1, max: 8 }),
            seed: fc.integer(),
            presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
            frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
            response_format: responseFormat,
            reasoning_effort: fc.constantFrom(...reasoningEffortValues, null),
            extra_body: fc.record(
              {
                google: fc.record(
                  {
                    thinking_config: fc.record({ include_thoughts: fc.boolean() }),
                    cached_content: fc.constant("cachedContents/abc123"),
                  },
                  { requiredKeys: [] },
                ),
              },
              { requiredKeys: [] },
            ),
            // Fields clients send that the gateway has no use for.
            parallel_tool_calls: fc.boolean(),
            user: fc.string({ maxLength: 8 }),
            metadata: fc.constant({ task: "t-1" }),
            store: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
      )
      .map(([model, history, functionDefinitions, legacy, settings]) => {
        const request: Record<string, unknown> = { model, messages: history, ...settings };
        if (functionDefinitions.length === 0) {
          delete request.tool_choice;
          return request;
        }
        if (legacy) {
          // The legacy form declares `functions` and chooses with `function_call`.
          const { tool_choice: choice, ...rest } = request;
          return {
            ...rest,
            functions: functionDefinitions,
            ...(choice === undefined || choice === "required"
              ? {}
              : {
                  function_call:
                    typeof choice === "string"
                      ? choice
                      : { name: (choice as { function: { name: string } }).function.name },
                }),
          };
        }
        return {
          ...request,
          tools: functionDefinitions.map((definition) => ({ type: "function", function: definition })),
        };
      });
  });
}
