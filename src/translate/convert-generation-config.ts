import { clampMaxOutputTokens, GEMINI_INT32_MAX } from "../gemini/model-limits.js";
import type { GeminiGenerationConfig, GeminiThinkingConfig } from "../gemini/wire-types.js";
import type { ChatCompletionRequest } from "../openai/chat-request-schema.js";
import { assertNever } from "./assert-never.js";
import { cleanJsonSchemaForGemini } from "./clean-json-schema.js";
import type { ToolSchemaFormat } from "./convert-tools.js";
import { buildThinkingConfig, type ReasoningOutput } from "./map-reasoning-effort.js";
import { thinkingSupportFor } from "./model-thinking-support.js";

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
  if (typeof maxOutputTokens === "number")
    config.maxOutputTokens = clampMaxOutputTokens(options.model, maxOutputTokens);
  const stopSequences = toStopSequences(request.stop);
  if (stopSequences.length > 0) config.stopSequences = stopSequences;
  if (typeof request.n === "number" && request.n > 1) config.candidateCount = request.n;
  if (typeof request.seed === "number") config.seed = foldIntoInt32(request.seed);
  if (request.presence_penalty) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty) config.frequencyPenalty = request.frequency_penalty;
  applyResponseFormat(request.response_format, config, options.schemaFormat);
  const thinkingConfig = buildThinkingConfig({
    model: options.model,
    effort: request.reasoning_effort,
    reasoningOutput: options.reasoningOutput,
    explicitConfig: request.extra_body?.google?.thinking_config ?? request.thinking_config,
  });
  if (thinkingConfig !== undefined)
    config.thinkingConfig = clampThinkingBudget(thinkingConfig, options.model);
  return Object.keys(config).length > 0 ? config : undefined;
}

/**
 * OpenAI's `seed` is 64-bit, Gemini's int32. Folding keeps the low 32 bits (two's complement) rather
 * than clamping: distinct seeds stay distinct and the same seed always gives the same Gemini seed.
 */
export function foldIntoInt32(seed: number): number {
  if (!Number.isSafeInteger(seed)) return foldIntoInt32(Math.trunc(seed % 2 ** 32));
  return Number(BigInt.asIntN(32, BigInt(seed)));
}

/**
 * A budget above the model's maximum (or int32) is the maximum: what the client asked for is "as much
 * thinking as possible". 0 (off) and -1 (automatic) pass as they are.
 */
function clampThinkingBudget(thinkingConfig: GeminiThinkingConfig, model: string): GeminiThinkingConfig {
  const budget = thinkingConfig.thinkingBudget;
  if (typeof budget !== "number" || budget <= 0) return thinkingConfig;
  const support = thinkingSupportFor(model);
  const maximum = support.kind === "budget" ? support.maximum : GEMINI_INT32_MAX;
  return budget > maximum ? { ...thinkingConfig, thinkingBudget: maximum } : thinkingConfig;
}

function toStopSequences(stop: string | string[] | null | undefined): string[] {
  if (stop === null || stop === undefined) return [];
  return (typeof stop === "string" ? [stop] : stop).filter((sequence) => sequence !== "");
}

/** `json_object` → JSON of any shape; `json_schema` → JSON of that schema (see `applyJsonOutput`). */
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
      applyJsonOutput(undefined, config, schemaFormat);
      return;
    case "json_schema":
      applyJsonOutput(responseFormat.json_schema.schema, config, schemaFormat);
      return;
    default:
      assertNever(responseFormat, "response_format");
  }
}

/**
 * JSON output, for OpenAI Chat's `response_format` and the Responses API's `text.format` alike: the JSON
 * mime type, and a schema (when there is one) as given in `responseJsonSchema`, which takes JSON Schema
 * (ai.google.dev: GenerationConfig.responseJsonSchema); with the `openapi` format the cleaned schema goes
 * to `responseSchema` instead.
 */
export function applyJsonOutput(
  schema: Record<string, unknown> | null | undefined,
  config: GeminiGenerationConfig,
  schemaFormat: ToolSchemaFormat,
): void {
  config.responseMimeType = "application/json";
  if (schema === null || schema === undefined) return;
  if (schemaFormat === "json-schema") {
    config.responseJsonSchema = schema;
    return;
  }
  const cleaned = cleanJsonSchemaForGemini(schema);
  if (cleaned !== undefined) config.responseSchema = cleaned;
}
