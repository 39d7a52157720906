import type { GeminiUsageMetadata } from "../gemini/wire-types.js";
import type { AnswerUsage } from "./answer-events.js";

/**
 * Gemini `usageMetadata` → the one usage arithmetic every protocol and the key's usage read:
 * - input = promptTokenCount + toolUsePromptTokenCount (both are input the key pays for; the cached part
 *   is already inside promptTokenCount);
 * - output = candidatesTokenCount + thoughtsTokenCount (thoughts are output the key pays for, and
 *   clients derive visible output as output − reasoning);
 * - total = input + output, computed rather than copied so it always adds up.
 */
export function answerUsageOf(metadata: GeminiUsageMetadata | undefined): AnswerUsage {
  const inputTokens = count(metadata?.promptTokenCount) + count(metadata?.toolUsePromptTokenCount);
  const reasoningTokens = count(metadata?.thoughtsTokenCount);
  const outputTokens = count(metadata?.candidatesTokenCount) + reasoningTokens;
  return {
    inputTokens,
    cachedInputTokens: count(metadata?.cachedContentTokenCount),
    outputTokens,
    reasoningTokens,
    totalTokens: inputTokens + outputTokens,
  };
}

/** Upstream numbers are read permissively: anything but a positive finite number counts as 0. */
function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Streams carry running totals on every chunk (Gemini API) or only on the last (Vertex, whose middle
 * chunks carry `{trafficType}` alone), and a count can be missing from one chunk (no
 * `candidatesTokenCount` while only thinking). Keeping the latest value of each field covers all three.
 */
export function mergeGeminiUsage(latest: GeminiUsageMetadata, update: GeminiUsageMetadata): void {
  if (update.promptTokenCount !== undefined) latest.promptTokenCount = update.promptTokenCount;
  if (update.candidatesTokenCount !== undefined) latest.candidatesTokenCount = update.candidatesTokenCount;
  if (update.thoughtsTokenCount !== undefined) latest.thoughtsTokenCount = update.thoughtsTokenCount;
  if (update.toolUsePromptTokenCount !== undefined)
    latest.toolUsePromptTokenCount = update.toolUsePromptTokenCount;
  if (update.cachedContentTokenCount !== undefined)
    latest.cachedContentTokenCount = update.cachedContentTokenCount;
  if (update.totalTokenCount !== undefined) latest.totalTokenCount = update.totalTokenCount;
}
