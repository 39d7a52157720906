import type { GeminiFinishReason } from "../gemini/wire-types.js";
import { assertNever } from "../translate/assert-never.js";
import type { FinishKind } from "./answer-events.js";

/**
 * Gemini `finishReason` → why the answer ended, in terms every protocol can map:
 * - blocked output of any kind (safety, recitation, blocklist, PII, images, unsupported language) is a
 *   `refusal`, the value clients treat as "the provider refused";
 * - failures of the model's own making (a malformed or unexpected call, a missing signature, OTHER…)
 *   are `stop`: they are not filtering and not a length limit. Such a reply is usually empty, which the
 *   engine retries before the client sees it (see empty-answer.ts).
 * An absent or unknown value is `stop`: Google adds values over time.
 */
export function finishKindOf(reason: string | undefined): FinishKind {
  if (reason === undefined || !isKnownFinishReason(reason)) return "stop";
  switch (reason) {
    case "STOP":
      return "stop";
    case "MAX_TOKENS":
      return "max_tokens";
    case "SAFETY":
    case "RECITATION":
    case "LANGUAGE":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
    case "IMAGE_RECITATION":
      return "refusal";
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
