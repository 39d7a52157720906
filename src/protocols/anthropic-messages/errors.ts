import type { AnswerFailure } from "../../engine/answer-events.js";
import { GatewayError } from "../../errors.js";
import type { AnthropicErrorBody, AnthropicErrorType } from "./wire-types.js";

/** Anthropic's status for "the API is overloaded": its SDKs and Claude Code retry it as such. */
const OVERLOADED_STATUS = 529;

/**
 * A gateway failure as Anthropic clients act on it, before it is answered with a real status:
 * - Gemini overloaded (every key tried answered 503) → `529 overloaded_error`, which Claude Code retries
 *   and counts towards its fallback model; a 503 because every key is disabled stays a 503 with
 *   `x-should-retry: false` (the SDK's own header), since no retry can help until the operator acts;
 * - a context overflow → `400` worded as Anthropic words it, "prompt is too long: N tokens > M maximum",
 *   which is what Claude Code's compaction looks for;
 * - everything else keeps its status and headers (`429` with `retry-after` when every key rests).
 */
export function adaptErrorForAnthropic(error: GatewayError): GatewayError {
  if (isOverloaded(error.status, error.code)) {
    return new GatewayError({
      status: OVERLOADED_STATUS,
      type: "server_error",
      code: error.code,
      message: error.message,
      headers: { ...error.headers },
    });
  }
  if (error.status === 503) {
    return new GatewayError({
      status: 503,
      type: "server_error",
      code: error.code,
      message: error.message,
      headers: { ...error.headers, "x-should-retry": "false" },
    });
  }
  if (error.code === "context_length_exceeded") {
    return new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: error.code,
      message: promptTooLongMessage(error.message),
      headers: { ...error.headers },
    });
  }
  return error;
}

/** `{"type":"error","error":{"type","message"}}` for an error answered with its HTTP status. */
export function toAnthropicErrorBody(error: GatewayError): AnthropicErrorBody {
  return { type: "error", error: { type: errorTypeFor(error.status, error.code), message: error.message } };
}

/** The data of the `error` event that ends a stream broken after it started. */
export function toAnthropicFailureBody(failure: AnswerFailure): AnthropicErrorBody {
  const message =
    failure.code === "context_length_exceeded" ? promptTooLongMessage(failure.message) : failure.message;
  return { type: "error", error: { type: errorTypeFor(failure.status, failure.code), message } };
}

/** Anthropic's error types by status ("Errors" in its API reference); other 4xx are invalid requests. */
function errorTypeFor(status: number, code: string | null): AnthropicErrorType {
  if (isOverloaded(status, code)) return "overloaded_error";
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

function isOverloaded(status: number, code: string | null): boolean {
  return status === OVERLOADED_STATUS || (status === 503 && code !== "no_available_keys");
}

/**
 * Gemini's "The input token count (N) exceeds the maximum number of tokens allowed (M)." (kept in the
 * gateway's message) in Anthropic's exact words, so Claude Code reads both numbers; without numbers,
 * the phrase alone still triggers its compaction.
 */
function promptTooLongMessage(message: string): string {
  const counts = message.match(
    /input token count \((\d+)\) exceeds the maximum number of tokens allowed \((\d+)\)/i,
  );
  if (counts !== null) return `prompt is too long: ${counts[1]} tokens > ${counts[2]} maximum`;
  return `prompt is too long: ${message}`;
}
