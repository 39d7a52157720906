/**
 * The OpenAI Chat Completions request as the gateway accepts it: what Cline, Roo Code, openai-node and
 * the Vercel AI SDK send (captured in test/unit/translate/fixtures/client-requests.ts). Objects are zod's
 * default "strip" objects, so unknown fields (`cache_control`, `user`, `metadata`, `store`, `verbosity`,
 * `reasoning_content` on history, provider junk like `reasoning:{}`) are accepted and simply never reach
 * the translator.
 * Optional fields also accept `null`, which some clients send for "unset".
 */
import { z } from "zod";
import { invalidRequest } from "../errors.js";
import { describeRequestIssue } from "../http/describe-request-issue.js";

const textPartSchema = z.object({ type: z.literal("text"), text: z.string() });
const refusalPartSchema = z.object({ type: z.literal("refusal"), refusal: z.string() });

/** `image_url` is an object on the wire; older clients send the bare URL string, read the same way. */
const imageUrlPartSchema = z.object({
  type: z.literal("image_url"),
  image_url: z.union([
    z.object({ url: z.string().min(1), detail: z.string().nullish() }),
    z
      .string()
      .min(1)
      .transform((url) => ({ url })),
  ]),
});

const inputAudioPartSchema = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string().min(1), format: z.string().min(1) }),
});

const filePartSchema = z.object({
  type: z.literal("file"),
  file: z.object({
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  }),
});

const videoUrlPartSchema = z.object({
  type: z.literal("video_url"),
  video_url: z.object({ url: z.string().min(1) }),
});

const userContentPartSchema = z.discriminatedUnion("type", [
  textPartSchema,
  imageUrlPartSchema,
  inputAudioPartSchema,
  filePartSchema,
  videoUrlPartSchema,
]);

const textContentSchema = z.union([z.string(), z.array(textPartSchema)]);

const thoughtSignatureCarrierSchema = z.object({
  google: z.object({ thought_signature: z.string().nullish() }).nullish(),
});

/** `arguments` is a JSON string on the wire; a few clients send the parsed object instead. */
const toolCallArgumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);

const assistantToolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal("function").nullish(),
  function: z.object({ name: z.string().min(1), arguments: toolCallArgumentsSchema.nullish() }),
  extra_content: thoughtSignatureCarrierSchema.nullish(),
});

const systemMessageSchema = z.object({
  role: z.enum(["system", "developer"]),
  content: textContentSchema,
  name: z.string().nullish(),
});

const userMessageSchema = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(userContentPartSchema)]),
  name: z.string().nullish(),
});

const assistantMessageSchema = z.object({
  role: z.literal("assistant"),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion("type", [textPartSchema, refusalPartSchema]))])
    .nullish(),
  tool_calls: z.array(assistantToolCallSchema).nullish(),
  /** The legacy single-call form that predates `tool_calls`. */
  function_call: z
    .object({ name: z.string().min(1), arguments: toolCallArgumentsSchema.nullish() })
    .nullish(),
  name: z.string().nullish(),
});

const toolMessageSchema = z.object({
  role: z.literal("tool"),
  tool_call_id: z.string().min(1),
  content: textContentSchema.nullish(),
});

/** The legacy result message of the `functions` API: it names the function instead of a call id. */
const functionMessageSchema = z.object({
  role: z.literal("function"),
  name: z.string().min(1),
  content: z.string().nullish(),
});

const messageSchema = z.discriminatedUnion("role", [
  systemMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
  functionMessageSchema,
]);

const functionDefinitionSchema = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const toolSchema = z.object({ type: z.literal("function").nullish(), function: functionDefinitionSchema });

const toolChoiceSchema = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function").nullish(), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().nullish(),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** "max" is what Cline 4 calls `xhigh` internally; it is accepted as the same level. */
export const reasoningEffortValues = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;

/** Google's own compatibility form: `extra_body.google.thinking_config` (snake_case, as Google documents it). */
const googleThinkingConfigSchema = z.object({
  thinking_budget: z.number().int().nullish(),
  thinking_level: z.string().nullish(),
  include_thoughts: z.boolean().nullish(),
});

const extraBodySchema = z.object({
  google: z
    .object({ thinking_config: googleThinkingConfigSchema.nullish(), cached_content: z.string().nullish() })
    .nullish(),
});

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z.number().int().min(1).max(8).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  response_format: responseFormatSchema.nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  /** The legacy `functions` API; used only when `tools` is absent. */
  functions: z.array(functionDefinitionSchema).nullish(),
  function_call: z.union([z.enum(["auto", "none"]), z.object({ name: z.string().min(1) })]).nullish(),
  reasoning_effort: z.enum(reasoningEffortValues).nullish(),
  extra_body: extraBodySchema.nullish(),
  /** Some clients flatten Google's `extra_body.google.thinking_config` to the top level. */
  thinking_config: googleThinkingConfigSchema.nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = ChatCompletionRequest["messages"][number];
export type UserContentPart = z.infer<typeof userContentPartSchema>;
export type AssistantToolCall = z.infer<typeof assistantToolCallSchema>;
export type FunctionDefinition = z.infer<typeof functionDefinitionSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type ReasoningEffort = (typeof reasoningEffortValues)[number];
export type GoogleThinkingConfig = z.infer<typeof googleThinkingConfigSchema>;

/**
 * Validates a parsed JSON body. Throws a 400 `invalid_request_error` whose `param` is the path of the
 * first bad field (`messages[2].role`) and whose message says what is wrong with it.
 */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  const result = chatCompletionRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const described = describeRequestIssue(result.error, body);
  if (described === undefined) {
    throw invalidRequest("The request body is not a valid chat completion request.");
  }
  throw invalidRequest(described.message, described.param || null);
}
