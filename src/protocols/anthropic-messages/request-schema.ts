/**
 * The Anthropic Messages request (`POST /v1/messages`, `POST /v1/messages/count_tokens`) as the gateway
 * accepts it: what Claude Code sends (a recorded request of 2.1.328 is replayed in the tests) and what
 * the official SDK's types allow. Objects are zod's default "strip" objects, so what has no Gemini meaning
 * (`cache_control`, `metadata`, `context_management`, `container`, `service_tier`, `citations`, a tool's
 * `strict` or `input_examples`…) is accepted and never reaches the translator. Real mistakes (a missing
 * `messages`, a block of an unknown type, a bad `tool_choice`) are 400s naming the field.
 */
import { z } from "zod";
import { invalidRequest } from "../../errors.js";
import { describeRequestIssue } from "../../http/describe-request-issue.js";

const textBlockSchema = z.object({ type: z.literal("text"), text: z.string() });

const imageSourceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string().min(1) }),
  z.object({ type: z.literal("url"), url: z.string().min(1) }),
  z.object({ type: z.literal("file"), file_id: z.string().min(1) }),
]);

const imageBlockSchema = z.object({ type: z.literal("image"), source: imageSourceSchema });

const documentSourceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string().min(1) }),
  z.object({ type: z.literal("text"), data: z.string(), media_type: z.string().nullish() }),
  z.object({
    type: z.literal("content"),
    content: z.union([
      z.string(),
      z.array(z.discriminatedUnion("type", [textBlockSchema, imageBlockSchema])),
    ]),
  }),
  z.object({ type: z.literal("url"), url: z.string().min(1) }),
  z.object({ type: z.literal("file"), file_id: z.string().min(1) }),
]);

const documentBlockSchema = z.object({
  type: z.literal("document"),
  source: documentSourceSchema,
  title: z.string().nullish(),
  context: z.string().nullish(),
});

const searchResultBlockSchema = z.object({
  type: z.literal("search_result"),
  source: z.string(),
  title: z.string(),
  content: z.array(textBlockSchema),
});

/** Claude Code's ToolSearch answers with these: the named deferred tool becomes callable. */
const toolReferenceBlockSchema = z.object({
  type: z.literal("tool_reference"),
  tool_name: z.string().min(1),
});

const thinkingBlockSchema = z.object({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().nullish(),
});

const redactedThinkingBlockSchema = z.object({ type: z.literal("redacted_thinking"), data: z.string() });

/** `input` is an object on the wire; anything else (a call cut by the token limit) is replayed as `{}`. */
const toolUseBlockSchema = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});

const toolResultContentBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  searchResultBlockSchema,
  toolReferenceBlockSchema,
]);

const toolResultBlockSchema = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(toolResultContentBlockSchema)]).nullish(),
  is_error: z.boolean().nullish(),
});

/**
 * Blocks of Anthropic's own server tools and containers, which only Anthropic's servers produce: in a
 * history that came from Claude they are accepted and left out, as Gemini has nothing to read in them.
 */
export const serverOnlyBlockTypes = [
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
  "container_upload",
  "mcp_tool_use",
  "mcp_tool_result",
] as const;

const serverOnlyBlockSchema = z.object({ type: z.enum(serverOnlyBlockTypes) });

const contentBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  searchResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  serverOnlyBlockSchema,
]);

const messageSchema = z.object({
  /** Claude Code also puts `system` entries between turns (the recorded request has one). */
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

/** A tool the client runs: `input_schema` is JSON Schema (2020-12 with `$schema`, as Claude Code sends). */
const customToolSchema = z.object({
  type: z.literal("custom").nullish(),
  name: z.string().min(1),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()),
  /** Anthropic's tool search: declared, but loaded only once a `tool_reference` names it. */
  defer_loading: z.boolean().nullish(),
});

/** A tool Anthropic runs itself (`web_search_20250305`, `web_fetch_20250910`, `bash_20250124`…). */
const serverToolSchema = z.object({
  type: z
    .string()
    .min(1)
    .refine((type) => type !== "custom", "a custom tool needs 'input_schema'"),
  name: z.string().min(1),
  defer_loading: z.boolean().nullish(),
});

const toolSchema = z.union([customToolSchema, serverToolSchema]);

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().nullish() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().nullish() }),
  z.object({
    type: z.literal("tool"),
    name: z.string().min(1),
    disable_parallel_tool_use: z.boolean().nullish(),
  }),
  z.object({ type: z.literal("none") }),
]);

/** `display` is `summarized` or `omitted` in the docs; Claude Code 2.1.328 also sends `updates`. */
const thinkingDisplaySchema = z.string().nullish();

const thinkingSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("enabled"),
    budget_tokens: z.number().int().nonnegative(),
    display: thinkingDisplaySchema,
  }),
  z.object({ type: z.literal("adaptive"), display: thinkingDisplaySchema }),
  z.object({ type: z.literal("disabled") }),
]);

export const effortValues = ["low", "medium", "high", "xhigh", "max"] as const;

const outputConfigSchema = z.object({
  effort: z.enum(effortValues).nullish(),
  format: z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }).nullish(),
});

/** What `count_tokens` takes: everything of a message request that makes up its input. */
export const countTokensRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(textBlockSchema)]).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingSchema.nullish(),
  output_config: outputConfigSchema.nullish(),
});

export const messagesRequestSchema = countTokensRequestSchema.extend({
  max_tokens: z.number().int().min(1),
  stream: z.boolean().nullish(),
  /** Anthropic's range is [0, 1]; Gemini takes up to 2, so nothing Gemini could use is refused. */
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type AnthropicMessage = MessagesRequest["messages"][number];
export type ContentBlock = z.infer<typeof contentBlockSchema>;
export type ToolResultBlock = z.infer<typeof toolResultBlockSchema>;
export type ServerOnlyBlock = z.infer<typeof serverOnlyBlockSchema>;
export type ToolResultContentBlock = z.infer<typeof toolResultContentBlockSchema>;
export type ImageBlock = z.infer<typeof imageBlockSchema>;
export type DocumentBlock = z.infer<typeof documentBlockSchema>;
export type AnthropicTool = z.infer<typeof toolSchema>;
export type CustomTool = z.infer<typeof customToolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type ThinkingConfig = z.infer<typeof thinkingSchema>;
export type Effort = (typeof effortValues)[number];

/** Validates a parsed `POST /v1/messages` body; a mistake is a 400 naming the field. */
export function parseMessagesRequest(body: unknown): MessagesRequest {
  return parseWith(messagesRequestSchema, body);
}

/** Validates a parsed `POST /v1/messages/count_tokens` body. */
export function parseCountTokensRequest(body: unknown): CountTokensRequest {
  return parseWith(countTokensRequestSchema, body);
}

function parseWith<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const described = describeRequestIssue(result.error, body);
  if (described === undefined) throw invalidRequest("The request body is not a valid Messages request.");
  throw invalidRequest(described.message, described.param || null);
}

/** A custom tool (run by the client) as opposed to one of Anthropic's server tools. */
export function isCustomTool(tool: AnthropicTool): tool is CustomTool {
  return "input_schema" in tool && (tool.type === undefined || tool.type === null || tool.type === "custom");
}
