import type { Gateway } from "../gateway.js";
import type { GeminiUsageMetadata } from "../gemini/wire-types.js";

/** Token counts of one answer, in the metric's terms. */
export interface TokenUsage {
  prompt: number;
  completion: number;
  reasoning: number;
  cached: number;
}

const count = (value: unknown): number => (typeof value === "number" && value > 0 ? value : 0);

/** A native Gemini answer's `usageMetadata` (on every stream chunk, with running totals). */
export function usageFromGemini(json: unknown): TokenUsage | undefined {
  const usage = (json as { usageMetadata?: GeminiUsageMetadata } | null)?.usageMetadata;
  if (!usage || typeof usage !== "object") return undefined;
  const reasoning = count(usage.thoughtsTokenCount);
  return {
    prompt: count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount),
    completion: count(usage.candidatesTokenCount) + reasoning,
    reasoning,
    cached: count(usage.cachedContentTokenCount),
  };
}

interface OpenAIUsageShape {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
}

/** The `usage` of an answer from Google's OpenAI-compatible layer (in the last chunk of a stream). */
export function usageFromOpenAI(json: unknown): TokenUsage | undefined {
  const usage = (json as { usage?: OpenAIUsageShape | null } | null)?.usage;
  if (!usage || typeof usage !== "object") return undefined;
  return {
    prompt: count(usage.prompt_tokens),
    completion: count(usage.completion_tokens),
    reasoning: count(usage.completion_tokens_details?.reasoning_tokens),
    cached: count(usage.prompt_tokens_details?.cached_tokens),
  };
}

/** Counts a passed-through answer's tokens in the metrics and in the key's usage of the day. */
export function recordTokenUsage(
  gateway: Pick<Gateway, "metrics" | "pool">,
  model: string,
  keyId: string,
  usage: TokenUsage | undefined,
): void {
  if (!usage) return;
  gateway.metrics.countTokens(model, usage);
  gateway.pool.recordTokens(keyId, { promptTokens: usage.prompt, completionTokens: usage.completion });
}
