import { withoutModelsPrefix } from "../gemini/model-id.js";
import type { GeminiGenerateContentRequest, GeminiInlineData } from "../gemini/wire-types.js";
import type { ChatCompletionRequest, FunctionDefinition } from "../openai/chat-request-schema.js";
import {
  addPlaceholderThoughtSignatures,
  requiresThoughtSignatures,
} from "./add-placeholder-thought-signatures.js";
import { convertGenerationConfig } from "./convert-generation-config.js";
import { convertMessages } from "./convert-messages.js";
import { convertToolChoice, convertTools, type ToolSchemaFormat } from "./convert-tools.js";
import { isDownloadableMediaUrl } from "./convert-user-content.js";
import type { ReasoningOutput } from "./map-reasoning-effort.js";
import { createToolNameMap, type ToolNameMap } from "./tool-name-map.js";

export interface ChatRequestContext {
  /** Thought signatures the gateway stored from its earlier responses, by tool-call id. */
  thoughtSignatures: ReadonlyMap<string, string>;
  /** http(s) images already downloaded by the route (see `collectRemoteMediaUrls`), by URL. */
  remoteMedia: ReadonlyMap<string, GeminiInlineData>;
  /** Defaults to `reasoning_content`. */
  reasoningOutput?: ReasoningOutput;
  /** Defaults to `json-schema` (see convert-tools.ts for why). */
  toolSchemaFormat?: ToolSchemaFormat;
}

export interface ConvertedChatRequest {
  /** The Gemini model id, without a `models/` prefix. */
  model: string;
  body: GeminiGenerateContentRequest;
  stream: boolean;
  /** `stream_options.include_usage` on a streaming request. */
  includeUsage: boolean;
  /** Turns the Gemini-safe function names of the answer back into the client's names. */
  toolNames: ToolNameMap;
}

/** A validated OpenAI chat request → the Gemini generateContent request and what answering it needs. */
export function convertChatRequest(
  request: ChatCompletionRequest,
  context: ChatRequestContext,
): ConvertedChatRequest {
  const model = withoutModelsPrefix(request.model);
  const reasoningOutput = context.reasoningOutput ?? "reasoning_content";
  const schemaFormat = context.toolSchemaFormat ?? "json-schema";
  const functions = declaredFunctions(request);
  const toolNames = createToolNameMap(mentionedToolNames(request, functions));

  const { systemInstruction, contents } = convertMessages(request.messages, {
    toolNames,
    thoughtSignatures: context.thoughtSignatures,
    remoteMedia: context.remoteMedia,
  });
  if (requiresThoughtSignatures(model)) addPlaceholderThoughtSignatures(contents);

  const body: GeminiGenerateContentRequest = { contents };
  if (systemInstruction !== undefined) body.systemInstruction = systemInstruction;
  const tools = convertTools(functions, toolNames, schemaFormat);
  if (tools !== undefined) {
    body.tools = tools;
    const toolConfig = convertToolChoice(toolChoiceOf(request), toolNames);
    if (toolConfig !== undefined) body.toolConfig = toolConfig;
  }
  const generationConfig = convertGenerationConfig(request, { model, reasoningOutput, schemaFormat });
  if (generationConfig !== undefined) body.generationConfig = generationConfig;
  const cachedContent = request.extra_body?.google?.cached_content;
  if (cachedContent) body.cachedContent = cachedContent;

  const stream = request.stream === true;
  return {
    model,
    body,
    stream,
    includeUsage: stream && request.stream_options?.include_usage === true,
    toolNames,
  };
}

/**
 * The http(s) URLs of the request's images, in order and without duplicates: the route downloads these
 * before translating (translation itself does no I/O). Data URLs and Gemini file URLs are not listed.
 */
export function collectRemoteMediaUrls(request: ChatCompletionRequest): string[] {
  const urls = new Set<string>();
  for (const message of request.messages) {
    if (message.role !== "user" || typeof message.content === "string") continue;
    for (const part of message.content) {
      if (part.type !== "image_url") continue;
      if (isDownloadableMediaUrl(part.image_url.url)) urls.add(part.image_url.url);
    }
  }
  return [...urls];
}

/** `tools`, or the legacy `functions` list when `tools` is absent. */
function declaredFunctions(request: ChatCompletionRequest): FunctionDefinition[] {
  if (request.tools && request.tools.length > 0) return request.tools.map((tool) => tool.function);
  return request.functions ?? [];
}

function toolChoiceOf(request: ChatCompletionRequest): ChatCompletionRequest["tool_choice"] {
  if (request.tool_choice !== null && request.tool_choice !== undefined) return request.tool_choice;
  const legacy = request.function_call;
  if (legacy === null || legacy === undefined) return undefined;
  return typeof legacy === "string" ? legacy : { type: "function", function: { name: legacy.name } };
}

/** Every function name the request mentions, so history calls to undeclared tools map the same way. */
function mentionedToolNames(request: ChatCompletionRequest, functions: FunctionDefinition[]): string[] {
  const names = functions.map((definition) => definition.name);
  for (const message of request.messages) {
    if (message.role === "assistant") {
      for (const toolCall of message.tool_calls ?? []) names.push(toolCall.function.name);
      if (message.function_call) names.push(message.function_call.name);
    } else if (message.role === "function") {
      names.push(message.name);
    }
  }
  return names;
}
