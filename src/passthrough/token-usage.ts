import { z } from "zod";
import type { AnswerUsage } from "../engine/answer-events.js";
import { answerUsageOf } from "../engine/answer-usage.js";
import { usageMetadataShape } from "../gemini/wire-shapes.js";

/** Only the usage of an answer is read here: the rest passes untouched and unchecked. */
const geminiUsageCarrier = z.looseObject({ usageMetadata: usageMetadataShape.optional() });

/** A native Gemini answer's `usageMetadata` (on every stream chunk, with running totals). */
export function usageFromGemini(json: unknown): AnswerUsage | undefined {
  const checked = geminiUsageCarrier.safeParse(json);
  if (!checked.success || checked.data.usageMetadata === undefined) return undefined;
  return answerUsageOf(checked.data.usageMetadata);
}

const openAIUsageCarrier = z.looseObject({
  usage: z
    .looseObject({
      prompt_tokens: z.number().optional(),
      completion_tokens: z.number().optional(),
      prompt_tokens_details: z.looseObject({ cached_tokens: z.number().optional() }).nullish(),
      completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().optional() }).nullish(),
    })
    .nullish(),
});

const count = (value: number | undefined): number => (value !== undefined && value > 0 ? value : 0);

/**
 * The `usage` of an answer from Google's OpenAI-compatible layer (in the last chunk of a stream): Google
 * already did the arithmetic, so its numbers are taken as they are.
 */
export function usageFromOpenAI(json: unknown): AnswerUsage | undefined {
  const usage = openAIUsageCarrier.safeParse(json).data?.usage;
  if (!usage) return undefined;
  const inputTokens = count(usage.prompt_tokens);
  const outputTokens = count(usage.completion_tokens);
  return {
    inputTokens,
    cachedInputTokens: count(usage.prompt_tokens_details?.cached_tokens),
    outputTokens,
    reasoningTokens: count(usage.completion_tokens_details?.reasoning_tokens),
    totalTokens: inputTokens + outputTokens,
  };
}
