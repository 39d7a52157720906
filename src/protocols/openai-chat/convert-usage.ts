import type { AnswerUsage } from "../../engine/answer-events.js";
import { answerUsageOf } from "../../engine/answer-usage.js";
import type { GeminiUsageMetadata } from "../../gemini/wire-types.js";
import type { OpenAIUsage } from "../../openai/types.js";

/**
 * An answer's usage → OpenAI `usage` (the arithmetic itself is the engine's, in answer-usage.ts):
 * prompt includes the cached part, which is what Roo's cost formula expects; completion includes the
 * reasoning, since the AI SDK derives visible output as completion − reasoning; cached tokens are
 * reported twice: OpenAI's `prompt_tokens_details.cached_tokens` and Roo's `cache_read_input_tokens`.
 */
export function renderUsage(usage: AnswerUsage): OpenAIUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}

/** Gemini `usageMetadata` → OpenAI `usage`, in one step. */
export function convertUsage(metadata: GeminiUsageMetadata | undefined): OpenAIUsage {
  return renderUsage(answerUsageOf(metadata));
}
