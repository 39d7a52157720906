import type { GeminiFinishReason } from "../gemini/wire-types.js";
import type { OpenAIFinishReason } from "../openai/types.js";
import { assertNever } from "./assert-never.js";

/**
 * Gemini `finishReason` → OpenAI `finish_reason`, for a choice that made no tool call (any call makes it
 * `tool_calls`, since Gemini ends a call with STOP). OpenAI has four values, so:
 * - blocked output of any kind (safety, recitation, blocklist, PII, images, unsupported language) is
 *   `content_filter`, the value clients already treat as "the provider refused";
 * - failures of the model's own making (a malformed or unexpected call, a missing signature, OTHER…)
 *   are `stop`: they are not filtering and not a length limit. Such a reply is usually empty, which
 *   is-empty-gemini-response.ts reports so the route can retry before the client sees it.
 * An absent or unknown value is `stop`.
 */
export function mapFinishReason(reason: string | undefined): OpenAIFinishReason {
  if (reason === undefined) return "stop";
  if (!isKnownFinishReason(reason)) return "stop";
  switch (reason) {
    case "STOP":
      return "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "LANGUAGE":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
    case "IMAGE_RECITATION":
      return "content_filter";
    case "FINISH_REASON_UNSPECIFIED":
    case "OTHER":
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
    case "TOO_MANY_TOOL_CALLS":
    case "IMAGE_OTHER":
    case "NO_IMAGE":
    case "MISSING_THOUGHT_SIGNATURE":
    case "MALFORMED_RESPONSE":
    case "ESCALATION":
      return "stop";
    default:
      return assertNever(reason, "Gemini finish reason");
  }
}

const knownFinishReasons: ReadonlySet<string> = new Set<GeminiFinishReason>([
  "FINISH_REASON_UNSPECIFIED",
  "STOP",
  "MAX_TOKENS",
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "OTHER",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "MALFORMED_FUNCTION_CALL",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "IMAGE_OTHER",
  "NO_IMAGE",
  "MISSING_THOUGHT_SIGNATURE",
  "MALFORMED_RESPONSE",
  "ESCALATION",
]);

function isKnownFinishReason(reason: string): reason is GeminiFinishReason {
  return knownFinishReasons.has(reason);
}

/** The finish of a choice: `tool_calls` whenever a call was made, else the mapped Gemini reason. */
export function finishReasonFor(geminiReason: string | undefined, madeToolCall: boolean): OpenAIFinishReason {
  return madeToolCall ? "tool_calls" : mapFinishReason(geminiReason);
}
