import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import { mapFinishReason } from "./map-finish-reason.js";

/**
 * Whether a generateContent response has nothing a client can show: no candidate with text (thoughts
 * do not count) or a function call. Agents treat such a reply as a failure (Roo "did not provide any
 * assistant messages", Cline "Invalid API Response"), so the route retries it once on another attempt
 * before answering. A refusal is an answer, not a glitch: a blocked prompt or a content-filter finish
 * is not reported as empty, because a retry would be refused the same way.
 * For streams, `createChatStreamConverter(...).hasVisibleOutput()` answers the same question.
 */
export function isEmptyGeminiResponse(response: GeminiGenerateContentResponse): boolean {
  if (response.promptFeedback?.blockReason) return false;
  for (const candidate of response.candidates ?? []) {
    if (mapFinishReason(candidate.finishReason) === "content_filter") return false;
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall !== undefined) return false;
      if (part.thought !== true && typeof part.text === "string" && part.text !== "") return false;
    }
  }
  return true;
}
