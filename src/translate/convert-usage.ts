import type { GeminiUsageMetadata } from "../gemini/wire-types.js";
import type { OpenAIUsage } from "../openai/types.js";

/**
 * Gemini `usageMetadata` → OpenAI `usage`.
 * - prompt = promptTokenCount + toolUsePromptTokenCount (both are input the key pays for; the cached
 *   part is already inside promptTokenCount, which is what Roo's cost formula expects);
 * - completion = candidatesTokenCount + thoughtsTokenCount (the AI SDK derives visible output as
 *   completion − reasoning, so thoughts must be inside);
 * - total = prompt + completion, computed rather than copied so it always adds up;
 * - cached tokens are reported twice: OpenAI's `prompt_tokens_details.cached_tokens` and Roo's
 *   `cache_read_input_tokens`.
 */
export function convertUsage(metadata: GeminiUsageMetadata | undefined): OpenAIUsage {
  const promptTokens = count(metadata?.promptTokenCount) + count(metadata?.toolUsePromptTokenCount);
  const reasoningTokens = count(metadata?.thoughtsTokenCount);
  const completionTokens = count(metadata?.candidatesTokenCount) + reasoningTokens;
  const cachedTokens = count(metadata?.cachedContentTokenCount);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
    cache_read_input_tokens: cachedTokens,
  };
}

function count(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Streams carry running totals on every chunk (Gemini API) or only on the last (Vertex, whose middle
 * chunks carry `{trafficType}` alone), and a count can be missing from one chunk (no
 * `candidatesTokenCount` while only thinking). Keeping the latest value of each field covers all three.
 */
export function mergeUsage(latest: GeminiUsageMetadata, update: GeminiUsageMetadata): void {
  if (update.promptTokenCount !== undefined) latest.promptTokenCount = update.promptTokenCount;
  if (update.candidatesTokenCount !== undefined) latest.candidatesTokenCount = update.candidatesTokenCount;
  if (update.thoughtsTokenCount !== undefined) latest.thoughtsTokenCount = update.thoughtsTokenCount;
  if (update.toolUsePromptTokenCount !== undefined)
    latest.toolUsePromptTokenCount = update.toolUsePromptTokenCount;
  if (update.cachedContentTokenCount !== undefined)
    latest.cachedContentTokenCount = update.cachedContentTokenCount;
}
