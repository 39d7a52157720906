import type { Finish, FinishKind } from "../../engine/answer-events.js";
import { finishKindOf } from "../../engine/map-finish-kind.js";
import type { OpenAIFinishReason } from "../../openai/types.js";
import { assertNever } from "../../translate/assert-never.js";

/** Why an answer ended → OpenAI's four values (`content_filter` is what clients read as a refusal). */
export function finishReasonOfKind(kind: FinishKind): OpenAIFinishReason {
  switch (kind) {
    case "stop":
      return "stop";
    case "max_tokens":
      return "length";
    case "refusal":
      return "content_filter";
    default:
      return assertNever(kind, "finish kind");
  }
}

/** A choice's `finish_reason`: `tool_calls` whenever a call was made (Gemini ends a call with STOP). */
export function finishReasonOf(finish: Finish): OpenAIFinishReason {
  return finish.madeToolCall ? "tool_calls" : finishReasonOfKind(finish.kind);
}

/** Gemini `finishReason` → OpenAI `finish_reason`, for a choice that made no tool call. */
export function mapFinishReason(reason: string | undefined): OpenAIFinishReason {
  return finishReasonOfKind(finishKindOf(reason));
}

/** The finish of a choice from Gemini's reason: `tool_calls` whenever a call was made. */
export function finishReasonFor(geminiReason: string | undefined, madeToolCall: boolean): OpenAIFinishReason {
  return madeToolCall ? "tool_calls" : mapFinishReason(geminiReason);
}
