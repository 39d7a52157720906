import type { Finish } from "../../engine/answer-events.js";
import { assertNever } from "../../translate/assert-never.js";
import type { StopReason } from "./wire-types.js";

/**
 * Why Gemini stopped → Anthropic's `stop_reason`. A call made means `tool_use` whatever Gemini's reason
 * (it ends a call with STOP). `stop_sequence` is never claimed: Gemini ends on a stop sequence with the
 * same STOP as a natural end and does not say which sequence matched.
 */
export function toStopReason(finish: Finish | undefined): StopReason {
  if (finish === undefined) return "end_turn";
  if (finish.madeToolCall) return "tool_use";
  switch (finish.kind) {
    case "stop":
      return "end_turn";
    case "max_tokens":
      return "max_tokens";
    case "refusal":
      return "refusal";
    default:
      return assertNever(finish.kind, "finish kind");
  }
}
