import type { GeminiGenerationConfig } from "../gemini/wire-types.js";
import type { ChatCompletionRequest } from "../openai/chat-request-schema.js";
import { assertNever } from "./assert-never.js";
import { cleanJsonSchemaForGemini } from "./clean-json-schema.js";
import type { ToolSchemaFormat } from "./convert-tools.js";
import { buildThinkingConfig, type ReasoningOutput } from "./map-reasoning-effort.js";

export interface GenerationConfigOptions {
  model: string;
  reasoningOutput: ReasoningOutput;
  schemaFormat: ToolSchemaFormat;
}

/**
 * Sampling, limits, output format and thinking → `generationConfig`; undefined when nothing is set.
 * Penalties of 0 are left out: they change nothing and some models refuse the field altogether.
 */
export function convertGenerationConfig(
  request: ChatCompletionRequest,
  options: GenerationConfigOptions,
): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  if (typeof request.temperature === "number") config.temperature = request.temperature;
  if (typeof request.top_p === "number") config.topP = request.top_p;
  // OpenAI deprecated max_tokens for max_completion_tokens; when both are sent the newer one wins.
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxOutputTokens === "number") config.maxOutputTokens = maxOutputTokens;
  const stopSequences = toStopSequences(request.stop);
  if (stopSequences.length > 0) config.stopSequences = stopSequences;
  if (typeof request.n === "number" && request.n > 1) config.candidateCount = request.n;
  if (typeof request.seed === "number") config.seed = request.seed;
  if (request.presence_penalty) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty) config.frequencyPenalty = request.frequency_penalty;
  applyResponseFormat(request.response_format, config, options.schemaFormat);
  const thinkingConfig = buildThinkingConfig({
    model: options.model,
    effort: request.reasoning_effort,
    reasoningOutput: options.reasoningOutput,
    explicitConfig: request.extra_body?.google?.thinking_config ?? request.thinking_config,
  });
  if (thinkingConfig !== undefined) config.thinkingConfig = thinkingConfig;
  return Object.keys(config).length > 0 ? config : undefined;
}

function toStopSequences(stop: string | string[] | null | undefined): string[] {
  if (stop === null || stop === undefined) return [];
  return (typeof stop === "string" ? [stop] : stop).filter((sequence) => sequence !== "");
}

/**
 * `json_object` → JSON mime type; `json_schema` → the schema as given in `responseJsonSchema`, which
 * takes JSON Schema (ai.google.dev: GenerationConfig.responseJsonSchema); with the `openapi` format the
 * cleaned schema goes to `responseSchema` instead.
 */
function applyResponseFormat(
  responseFormat: ChatCompletionRequest["response_format"],
  config: GeminiGenerationConfig,
  schemaFormat: ToolSchemaFormat,
): void {
  if (responseFormat === null || responseFormat === undefined) return;
  switch (responseFormat.type) {
    case "text":
      return;
    case "json_object":
      config.responseMimeType = "application/json";
      return;
    case "json_schema": {
      config.responseMimeType = "application/json";
      const schema = responseFormat.json_schema.schema;
      if (schema === null || schema === undefined) return;
      if (schemaFormat === "json-schema") {
        config.responseJsonSchema = schema;
        return;
      }
      const cleaned = cleanJsonSchemaForGemini(schema);
      if (cleaned !== undefined) config.responseSchema = cleaned;
      return;
    }
    default:
      assertNever(responseFormat, "response_format");
  }
}
