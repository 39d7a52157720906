import { type ModelAlias, resolveModelAlias } from "../../gemini/model-aliases.js";
import { geminiModelId } from "../../gemini/model-id.js";
import { clampMaxOutputTokens } from "../../gemini/model-limits.js";
import type {
  GeminiContent,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiInlineData,
  GeminiTool,
  GeminiToolConfig,
} from "../../gemini/wire-types.js";
import {
  addPlaceholderThoughtSignatures,
  requiresThoughtSignatures,
} from "../../translate/add-placeholder-thought-signatures.js";
import { convertTools } from "../../translate/convert-tools.js";
import { isDownloadableMediaUrl } from "../../translate/convert-user-content.js";
import type { ReasoningOutput } from "../../translate/map-reasoning-effort.js";
import { createToolNameMap, type ToolNameMap } from "../../translate/tool-name-map.js";
import { convertMessages } from "./convert-messages.js";
import { convertThinking } from "./map-thinking.js";
import { convertToolChoice } from "./map-tool-choice.js";
import type { CountTokensRequest, DocumentBlock, ImageBlock, MessagesRequest } from "./request-schema.js";
import { selectTools } from "./select-tools.js";

export interface MessagesRequestContext {
  /** `MODEL_ALIASES`: Claude Code asks for `claude-…` models. */
  modelAliases: readonly ModelAlias[];
  /** Thought signatures the gateway stored from its earlier answers, by tool-use id. */
  thoughtSignatures: ReadonlyMap<string, string>;
  /** http(s) images already downloaded by the route (see `collectRemoteMediaUrls`). */
  remoteMedia: ReadonlyMap<string, GeminiInlineData>;
  /** `REASONING_OUTPUT`. */
  reasoningOutput: ReasoningOutput;
}

export interface ConvertedMessagesRequest {
  /** The Gemini model id, after `MODEL_ALIASES`, without `models/`. */
  model: string;
  /** The model the client asked for: the answer names it. */
  requestedModel: string;
  body: GeminiGenerateContentRequest;
  stream: boolean;
  /** Turns the Gemini-safe function names of the answer back into the client's tool names. */
  toolNames: ToolNameMap;
  /** The client asked for thinking (`enabled` or `adaptive`), so the answer may hold thinking blocks. */
  thinkingBlocks: boolean;
}

/** Body of Gemini's `countTokens`: the whole request, so system text and tools are counted too. */
export interface GeminiCountTokensRequest {
  generateContentRequest: GeminiGenerateContentRequest & { model: string };
}

/** A validated Messages request → the Gemini generateContent request and what answering it needs. */
export function convertMessagesRequest(
  request: MessagesRequest,
  context: MessagesRequestContext,
): ConvertedMessagesRequest {
  const model = geminiModelFor(request.model, context.modelAliases);
  const conversation = convertConversation(request, model, context);
  const body: GeminiGenerateContentRequest = { contents: conversation.contents };
  if (conversation.systemInstruction !== undefined) body.systemInstruction = conversation.systemInstruction;
  if (conversation.tools !== undefined) body.tools = conversation.tools;
  if (conversation.toolConfig !== undefined) body.toolConfig = conversation.toolConfig;
  body.generationConfig = convertGenerationConfig(request, model, context.reasoningOutput);
  return {
    model,
    requestedModel: request.model,
    body,
    stream: request.stream === true,
    toolNames: conversation.toolNames,
    thinkingBlocks: request.thinking?.type === "enabled" || request.thinking?.type === "adaptive",
  };
}

/** A validated count_tokens request → the Gemini model and countTokens body. */
export function convertCountTokensRequest(
  request: CountTokensRequest,
  context: MessagesRequestContext,
): { model: string; body: GeminiCountTokensRequest } {
  const model = geminiModelFor(request.model, context.modelAliases);
  const conversation = convertConversation(request, model, context);
  const generateContentRequest: GeminiCountTokensRequest["generateContentRequest"] = {
    model: `models/${model}`,
    contents: conversation.contents,
  };
  if (conversation.systemInstruction !== undefined) {
    generateContentRequest.systemInstruction = conversation.systemInstruction;
  }
  if (conversation.tools !== undefined) generateContentRequest.tools = conversation.tools;
  return { model, body: { generateContentRequest } };
}

/**
 * The http(s) URLs of the request's images (tool results' included), in order and without duplicates:
 * the route downloads these before translating (translation itself does no I/O).
 */
export function collectRemoteMediaUrls(request: CountTokensRequest): string[] {
  const urls = new Set<string>();
  const visitImage = (block: ImageBlock) => {
    if (block.source.type === "url" && isDownloadableMediaUrl(block.source.url)) urls.add(block.source.url);
  };
  const visitDocument = (block: DocumentBlock) => {
    const source = block.source;
    if (source.type !== "content" || typeof source.content === "string") return;
    for (const inner of source.content) if (inner.type === "image") visitImage(inner);
  };
  for (const message of request.messages) {
    if (message.role !== "user" || typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "image") visitImage(block);
      if (block.type === "document") visitDocument(block);
      if (block.type !== "tool_result" || typeof block.content === "string") continue;
      for (const inner of block.content ?? []) {
        if (inner.type === "image") visitImage(inner);
        if (inner.type === "document") visitDocument(inner);
      }
    }
  }
  return [...urls];
}

/** The ids of the tool calls in the history, for looking up the signatures the gateway stored. */
export function collectToolUseIds(request: CountTokensRequest): string[] {
  return request.messages.flatMap((message) =>
    message.role === "assistant" && Array.isArray(message.content)
      ? message.content.flatMap((block) => (block.type === "tool_use" ? [block.id] : []))
      : [],
  );
}

function geminiModelFor(requested: string, aliases: readonly ModelAlias[]): string {
  return geminiModelId(resolveModelAlias(requested, aliases));
}

interface ConvertedConversation {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  toolNames: ToolNameMap;
}

/** What a message request and a count_tokens request share: system, messages and tools. */
function convertConversation(
  request: CountTokensRequest,
  model: string,
  context: MessagesRequestContext,
): ConvertedConversation {
  const selected = selectTools(request.tools, request.messages, request.tool_choice);
  const toolNames = createToolNameMap(mentionedToolNames(request));
  const { systemInstruction, contents } = convertMessages(request, {
    toolNames,
    thoughtSignatures: context.thoughtSignatures,
    remoteMedia: context.remoteMedia,
    customTools: selected.customTools,
  });
  if (requiresThoughtSignatures(model)) addPlaceholderThoughtSignatures(contents);

  const converted: ConvertedConversation = { contents, toolNames };
  if (systemInstruction !== undefined) converted.systemInstruction = systemInstruction;
  const functionTools = convertTools(selected.functions, toolNames, "json-schema");
  if (functionTools !== undefined) {
    converted.tools = functionTools;
    const toolConfig = convertToolChoice(request.tool_choice, toolNames);
    if (toolConfig !== undefined) converted.toolConfig = toolConfig;
  } else if (selected.builtIns.length > 0) {
    converted.tools = selected.builtIns;
  }
  return converted;
}

/** Every tool name the request mentions, so history calls to undeclared tools map the same way. */
function mentionedToolNames(request: CountTokensRequest): string[] {
  const names = (request.tools ?? []).map((tool) => tool.name);
  for (const message of request.messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) if (block.type === "tool_use") names.push(block.name);
  }
  if (request.tool_choice?.type === "tool") names.push(request.tool_choice.name);
  return names;
}

/** Limits, sampling, stop sequences, JSON output and thinking → `generationConfig`. */
function convertGenerationConfig(
  request: MessagesRequest,
  model: string,
  reasoningOutput: ReasoningOutput,
): GeminiGenerationConfig {
  // Claude Code asks for 32000; a model with a smaller limit gets its limit rather than a 400.
  const config: GeminiGenerationConfig = { maxOutputTokens: clampMaxOutputTokens(model, request.max_tokens) };
  if (typeof request.temperature === "number") config.temperature = request.temperature;
  if (typeof request.top_p === "number") config.topP = request.top_p;
  if (typeof request.top_k === "number") config.topK = request.top_k;
  const stopSequences = (request.stop_sequences ?? []).filter((sequence) => sequence !== "");
  if (stopSequences.length > 0) config.stopSequences = stopSequences;
  const format = request.output_config?.format;
  if (format !== null && format !== undefined) {
    config.responseMimeType = "application/json";
    config.responseJsonSchema = format.schema;
  }
  const thinkingConfig = convertThinking({
    model,
    thinking: request.thinking,
    effort: request.output_config?.effort,
    reasoningOutput,
  });
  if (thinkingConfig !== undefined) config.thinkingConfig = thinkingConfig;
  return config;
}
