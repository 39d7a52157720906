import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import { mapFinishReason } from "./map-finish-reason.js";

/** Gemini's own words for an answer that has nothing to show. */
export interface EmptyAnswer {
  finishReason: string | undefined;
  finishMessage: string | undefined;
}

/**
 * Why a generateContent response has nothing a client can act on, or `undefined` when it is an answer.
 * Agents treat a reply without text (thoughts do not count) or a function call as a failure (Roo "did not
 * provide any assistant messages", Cline "Invalid API Response"), so the route retries it once and then
 * reports an error instead of an empty `stop`. Not empty, because a retry would end the same way:
 * - a refusal: a blocked prompt or a content-filter finish;
 * - a cut by the output limit (`MAX_TOKENS`, e.g. thinking that spent the whole `max_tokens`): the
 *   client hears `finish_reason: "length"` and can raise the limit.
 * For streams, `createChatStreamConverter(...).emptyAnswer()` answers the same question.
 */
export function emptyAnswerOf(response: GeminiGenerateContentResponse): EmptyAnswer | undefined {
  if (response.promptFeedback?.blockReason) return undefined;
  const candidates = response.candidates ?? [];
  for (const candidate of candidates) {
    const finish = mapFinishReason(candidate.finishReason);
    if (finish === "content_filter" || finish === "length") return undefined;
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall !== undefined) return undefined;
      if (part.thought !== true && typeof part.text === "string" && part.text !== "") return undefined;
    }
  }
  return { finishReason: candidates[0]?.finishReason, finishMessage: candidates[0]?.finishMessage };
}

export function isEmptyGeminiResponse(response: GeminiGenerateContentResponse): boolean {
  return emptyAnswerOf(response) !== undefined;
}
