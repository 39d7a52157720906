/**
 * The OpenAI Responses request (`POST /v1/responses`) as the gateway accepts it: what Codex CLI, the
 * Vercel AI SDK's `openai(model)` provider and openai-node send. Objects are zod's default "strip" objects:
 * the many fields with no Gemini meaning (`prompt_cache_key`, `client_metadata`, `service_tier`,
 * `truncation`, `store`'s friends, an item's `status`…) are accepted and never reach the translator.
 * Input items and tools of types Gemini cannot use (`web_search_call`, `local_shell`, `mcp`…) are
 * accepted and left out; a known type with a broken shape is a 400 that names the field.
 */
import { z } from "zod";
import { invalidRequest } from "../../errors.js";
import { describeRequestIssue } from "../../http/describe-request-issue.js";
import { reasoningEffortValues } from "../../openai/chat-request-schema.js";

const inputTextSchema = z.object({ type: z.literal("input_text"), text: z.string() });
const outputTextSchema = z.object({ type: z.literal("output_text"), text: z.string() });
const refusalSchema = z.object({ type: z.literal("refusal"), refusal: z.string() });
const inputImageSchema = z.object({
  type: z.literal("input_image"),
  image_url: z.string().min(1).nullish(),
  file_id: z.string().nullish(),
  detail: z.string().nullish(),
});
const inputFileSchema = z.object({
  type: z.literal("input_file"),
  file_data: z.string().nullish(),
  file_id: z.string().nullish(),
  file_url: z.string().nullish(),
  filename: z.string().nullish(),
});
const inputAudioSchema = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string().min(1), format: z.string().min(1) }),
});

/** A message's content parts; an assistant message written back by a client holds `output_text`. */
const contentPartSchema = z.discriminatedUnion("type", [
  inputTextSchema,
  inputImageSchema,
  inputFileSchema,
  inputAudioSchema,
  outputTextSchema,
  refusalSchema,
]);

/** A tool's output: text, or a list of text, image and file parts (Codex's `view_image` sends an image). */
const toolOutputSchema = z.union([
  z.string(),
  z.array(
    z.discriminatedUnion("type", [inputTextSchema, inputImageSchema, inputFileSchema, outputTextSchema]),
  ),
]);

const messageFields = {
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(contentPartSchema)]),
  id: z.string().nullish(),
};

/** `arguments` is a JSON string on the wire; a few clients send the parsed object instead. */
const argumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);

const typedItemSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message"), ...messageFields }),
  z.object({
    type: z.literal("function_call"),
    call_id: z.string().min(1),
    name: z.string().min(1),
    arguments: argumentsSchema.nullish(),
    namespace: z.string().nullish(),
    id: z.string().nullish(),
  }),
  z.object({
    type: z.literal("function_call_output"),
    call_id: z.string().min(1),
    output: toolOutputSchema.nullish(),
  }),
  z.object({
    type: z.literal("custom_tool_call"),
    call_id: z.string().min(1),
    name: z.string().min(1),
    input: z.string().nullish(),
    namespace: z.string().nullish(),
    id: z.string().nullish(),
  }),
  z.object({
    type: z.literal("custom_tool_call_output"),
    call_id: z.string().min(1),
    output: toolOutputSchema.nullish(),
  }),
  z.object({
    type: z.literal("reasoning"),
    id: z.string().nullish(),
    summary: z.array(z.object({ text: z.string().nullish() })).nullish(),
    encrypted_content: z.string().nullish(),
  }),
  z.object({ type: z.literal("item_reference"), id: z.string().min(1) }),
]);

/**
 * Any other item type (`web_search_call`, `local_shell_call`, `compaction`, `mcp_call`…): accepted and not
 * forwarded, since Gemini has nothing to read in it.
 */
const otherItemSchema = z.object({ type: z.literal("other"), originalType: z.string() });

const itemSchemas = [...typedItemSchema.options, otherItemSchema] as const;
const knownItemTypes: ReadonlySet<unknown> = new Set(
  typedItemSchema.options.map((option) => option.shape.type.value),
);

/**
 * Gives every item its type before validation, so a broken item is reported by the schema of its own
 * type: `{role, content}` is a message (OpenAI's "easy input message"), `{id}` alone a reference to a
 * stored item, and an unknown type is "other".
 */
function typeOfItem(item: unknown): unknown {
  if (!isRecord(item)) return item;
  if (item.type === undefined || item.type === null) {
    if (item.role !== undefined) return { ...item, type: "message" };
    if (typeof item.id === "string") return { ...item, type: "item_reference" };
    return item;
  }
  if (typeof item.type === "string" && !knownItemTypes.has(item.type))
    return { type: "other", originalType: item.type };
  return item;
}

export const inputItemSchema = z.preprocess(typeOfItem, z.discriminatedUnion("type", itemSchemas));

const functionToolSchema = z.object({
  type: z.literal("function"),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const customToolSchema = z.object({
  type: z.literal("custom"),
  name: z.string().min(1),
  description: z.string().nullish(),
  format: z
    .union([
      z.object({ type: z.literal("text") }),
      z.object({ type: z.literal("grammar"), syntax: z.string().nullish(), definition: z.string() }),
    ])
    .nullish(),
});

/** Codex groups its sub-agent tools this way; calls name the inner tool and carry `namespace`. */
const namespaceToolSchema = z.object({
  type: z.literal("namespace"),
  name: z.string().min(1),
  description: z.string().nullish(),
  tools: z.array(z.discriminatedUnion("type", [functionToolSchema, customToolSchema])),
});

/** OpenAI's hosted tools (`web_search`, `file_search`, `local_shell`, `mcp`…): accepted, not forwarded. */
const hostedToolSchema = z.object({ type: z.literal("hosted"), originalType: z.string() });

const knownToolTypes: ReadonlySet<unknown> = new Set(["function", "custom", "namespace"]);

const toolSchema = z.preprocess(
  (tool) =>
    isRecord(tool) && typeof tool.type === "string" && !knownToolTypes.has(tool.type)
      ? { type: "hosted", originalType: tool.type }
      : tool,
  z.discriminatedUnion("type", [functionToolSchema, customToolSchema, namespaceToolSchema, hostedToolSchema]),
);

const knownToolChoiceTypes: ReadonlySet<unknown> = new Set(["function", "custom", "allowed_tools"]);

/** A hosted tool as the choice (`{"type":"web_search"}`) means nothing to Gemini, which does not get it. */
const toolChoiceSchema = z.preprocess(
  (choice) => (isRecord(choice) && !knownToolChoiceTypes.has(choice.type) ? "auto" : choice),
  z.union([
    z.enum(["auto", "none", "required"]),
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("function"), name: z.string().min(1) }),
      z.object({ type: z.literal("custom"), name: z.string().min(1) }),
      z.object({
        type: z.literal("allowed_tools"),
        mode: z.enum(["auto", "required"]),
        tools: z.array(z.object({ type: z.string(), name: z.string().nullish() })),
      }),
    ]),
  ]),
);

const textFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string().nullish(),
    description: z.string().nullish(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

const summaryValues = ["auto", "concise", "detailed", "none"] as const;

export const responsesRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItemSchema)]).nullish(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  include: z.array(z.string()).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  reasoning: z
    .object({
      effort: z.enum(reasoningEffortValues).nullish(),
      summary: z.enum(summaryValues).nullish(),
      /** The deprecated name of `summary`. */
      generate_summary: z.enum(summaryValues).nullish(),
    })
    .nullish(),
  text: z.object({ format: textFormatSchema.nullish(), verbosity: z.string().nullish() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  /** Asking for these is a real request the gateway cannot honour, so they get a clear 400. */
  background: z.boolean().nullish(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesInputItem = z.infer<typeof inputItemSchema>;
export type ResponsesMessageItem = Extract<ResponsesInputItem, { type: "message" }>;
export type ResponsesContentPart = z.infer<typeof contentPartSchema>;
export type ResponsesToolOutput = z.infer<typeof toolOutputSchema>;
export type ResponsesTool = z.infer<typeof toolSchema>;
export type ResponsesFunctionTool = z.infer<typeof functionToolSchema>;
export type ResponsesCustomTool = z.infer<typeof customToolSchema>;
export type ResponsesToolChoice = z.infer<typeof toolChoiceSchema>;
export type ResponsesTextFormat = z.infer<typeof textFormatSchema>;

/**
 * Validates a parsed JSON body. Throws a 400 in OpenAI's envelope whose `param` is the path of the first
 * bad field (`input[2].call_id`) and whose message says what is wrong with it.
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  const result = responsesRequestSchema.safeParse(body);
  if (!result.success) {
    const described = describeRequestIssue(result.error, body);
    if (described === undefined) throw invalidRequest("The request body is not a valid Responses request.");
    throw invalidRequest(described.message, described.param || null);
  }
  const request = result.data;
  if (request.background === true) {
    throw invalidRequest(
      "'background' responses are not supported by this gateway; send the request without it (streaming works).",
      "background",
    );
  }
  if (request.conversation !== undefined && request.conversation !== null) {
    throw invalidRequest(
      "'conversation' (OpenAI's Conversations API) is not supported by this gateway; use 'previous_response_id' or send the whole input.",
      "conversation",
    );
  }
  if (request.prompt !== undefined && request.prompt !== null) {
    throw invalidRequest(
      "'prompt' (a stored prompt template) is not supported by this gateway; send 'instructions' and 'input' instead.",
      "prompt",
    );
  }
  const hasInput =
    typeof request.input === "string" ? request.input !== "" : (request.input?.length ?? 0) > 0;
  if (!hasInput) throw invalidRequest("'input' is required: a string or a list of input items.", "input");
  return request;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
