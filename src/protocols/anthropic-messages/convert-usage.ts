import type { AnswerUsage } from "../../engine/answer-events.js";
import type { MessageUsage } from "./wire-types.js";

/**
 * The answer's token counts in Anthropic's terms. Anthropic counts cache reads apart from
 * `input_tokens` (the context is their sum, which Claude Code watches to compact in time), while
 * Gemini's prompt count includes them; thoughts are output, as Anthropic counts thinking.
 */
export function toAnthropicUsage(usage: AnswerUsage): MessageUsage {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedInputTokens),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}
