import { GatewayError } from "../../errors.js";
import { type ModelAlias, resolveModelAlias } from "../../gemini/model-aliases.js";
import { clampMaxOutputTokens } from "../../gemini/model-limits.js";
import type {
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiInlineData,
} from "../../gemini/wire-types.js";
import {
  addPlaceholderThoughtSignatures,
  requiresThoughtSignatures,
} from "../../translate/add-placeholder-thought-signatures.js";
import { assertNever } from "../../translate/assert-never.js";
import { applyJsonOutput } from "../../translate/convert-generation-config.js";
import type { ToolSchemaFormat } from "../../translate/convert-tools.js";
import { buildThinkingConfig, type ReasoningOutput } from "../../translate/map-reasoning-effort.js";
import { convertInputItems } from "./convert-input-items.js";
import { convertResponsesTools, type ResponsesToolMap } from "./convert-responses-tools.js";
import type { ResponsesInputItem, ResponsesRequest, ResponsesTextFormat } from "./request-schema.js";

export interface ResponsesRequestContext {
  /** The conversation before this request: the items of the `previous_response_id` chain, oldest first. */
  history: readonly ResponsesInputItem[];
  /** Stored items that `item_reference` entries name, by id. */
  referencedItems: ReadonlyMap<string, ResponsesInputItem>;
  /** Thought signatures the gateway stored from its earlier responses, by call id. */
  thoughtSignatures: ReadonlyMap<string, string>;
  /** http(s) images already downloaded by the route (see `collectRemoteMediaUrls`), by URL. */
  remoteMedia: ReadonlyMap<string, GeminiInlineData>;
  modelAliases: readonly ModelAlias[];
  /** `REASONING_OUTPUT`; `none` never shows thoughts. Defaults to `reasoning_content`. */
  reasoningOutput?: ReasoningOutput;
  /** Defaults to `json-schema` (see convert-tools.ts for why). */
  toolSchemaFormat?: ToolSchemaFormat;
}

export interface ConvertedResponsesRequest {
  /** The Gemini model id (after `MODEL_ALIASES`), without a `models/` prefix. */
  model: string;
  body: GeminiGenerateContentRequest;
  stream: boolean;
  /** Turns the Gemini function names of the answer back into the client's tools. */
  tools: ResponsesToolMap;
  /** This request's own input, references resolved: what a stored response keeps. */
  inputItems: ResponsesInputItem[];
  /** `store` (default true): keep the response for `previous_response_id` and `GET /v1/responses/{id}`. */
  store: boolean;
  /** `include: ["reasoning.encrypted_content"]`: the client sees the thought-signature carriers. */
  includeEncryptedContent: boolean;
}

/**
 * A validated Responses request → the Gemini generateContent request and what answering it needs.
 * `instructions` and `system`/`developer` messages become `systemInstruction`; the earlier conversation
 * (`previous_response_id`) comes first; `reasoning.effort` maps like the chat route's `reasoning_effort`
 * and Gemini's thoughts are asked for only when the client asked for a reasoning summary.
 */
export function convertResponsesRequest(
  request: ResponsesRequest,
  context: ResponsesRequestContext,
): ConvertedResponsesRequest {
  const model = resolveModelAlias(request.model, context.modelAliases).replace(/^models\//, "");
  const inputItems = resolveReferences(ownItems(request), context.referencedItems);
  const items = [...context.history, ...inputItems];
  const schemaFormat = context.toolSchemaFormat ?? "json-schema";

  const tools = convertResponsesTools(request.tools ?? [], request.tool_choice, items, schemaFormat);
  const { systemTexts, contents } = convertInputItems(items, {
    tools: tools.map,
    thoughtSignatures: context.thoughtSignatures,
    remoteMedia: context.remoteMedia,
    historyLength: context.history.length,
  });
  if (contents.length === 0) {
    throw new GatewayError({
      status: 400,
      param: "input",
      message: "'input' must contain at least one user or assistant item with content.",
    });
  }
  if (requiresThoughtSignatures(model)) addPlaceholderThoughtSignatures(contents);

  const body: GeminiGenerateContentRequest = { contents };
  const instructions = [request.instructions ?? "", ...systemTexts].filter((text) => text !== "");
  if (instructions.length > 0) body.systemInstruction = { parts: instructions.map((text) => ({ text })) };
  if (tools.tools !== undefined) body.tools = tools.tools;
  if (tools.toolConfig !== undefined) body.toolConfig = tools.toolConfig;
  const generationConfig = convertGenerationConfig(request, model, context.reasoningOutput, schemaFormat);
  if (generationConfig !== undefined) body.generationConfig = generationConfig;

  return {
    model,
    body,
    stream: request.stream === true,
    tools: tools.map,
    inputItems,
    store: request.store !== false,
    includeEncryptedContent: request.include?.includes("reasoning.encrypted_content") === true,
  };
}

function ownItems(request: ResponsesRequest): ResponsesInputItem[] {
  const input = request.input;
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return input ? [...input] : [];
}

/** `item_reference` entries replaced by the stored items they name; an unknown one is OpenAI's 404. */
function resolveReferences(
  items: readonly ResponsesInputItem[],
  referencedItems: ReadonlyMap<string, ResponsesInputItem>,
): ResponsesInputItem[] {
  return items.map((item, position) => {
    if (item.type !== "item_reference") return item;
    const found = referencedItems.get(item.id);
    if (found !== undefined && found.type !== "item_reference") return found;
    throw new GatewayError({
      status: 404,
      type: "invalid_request_error",
      param: `input[${position}]`,
      message: `Item with id '${item.id}' not found. Items are kept only when the response that made them was stored (\`store\` true) and for a limited time; send the item itself instead of a reference.`,
    });
  });
}

/** Sampling, limits, output format and thinking → `generationConfig`; undefined when nothing is set. */
function convertGenerationConfig(
  request: ResponsesRequest,
  model: string,
  reasoningOutput: ReasoningOutput | undefined,
  schemaFormat: ToolSchemaFormat,
): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  if (typeof request.temperature === "number") config.temperature = request.temperature;
  if (typeof request.top_p === "number") config.topP = request.top_p;
  if (typeof request.max_output_tokens === "number") {
    config.maxOutputTokens = clampMaxOutputTokens(model, request.max_output_tokens);
  }
  applyTextFormat(request.text?.format, config, schemaFormat);
  const summary = request.reasoning?.summary ?? request.reasoning?.generate_summary;
  const wantsSummary = summary !== undefined && summary !== null && summary !== "none";
  const thinkingConfig = buildThinkingConfig({
    model,
    effort: request.reasoning?.effort,
    reasoningOutput: wantsSummary && reasoningOutput !== "none" ? "reasoning_content" : "none",
  });
  if (thinkingConfig !== undefined) config.thinkingConfig = thinkingConfig;
  return Object.keys(config).length > 0 ? config : undefined;
}

/** `json_object` → JSON of any shape; `json_schema` → JSON of that schema (see `applyJsonOutput`). */
function applyTextFormat(
  format: ResponsesTextFormat | null | undefined,
  config: GeminiGenerationConfig,
  schemaFormat: ToolSchemaFormat,
): void {
  if (format === null || format === undefined) return;
  switch (format.type) {
    case "text":
      return;
    case "json_object":
      applyJsonOutput(undefined, config, schemaFormat);
      return;
    case "json_schema":
      applyJsonOutput(format.schema, config, schemaFormat);
      return;
    default:
      assertNever(format, "text.format");
  }
}
