import { GatewayError } from "../errors.js";
import type { OpenAIErrorBody } from "../openai/types.js";
import type { EmptyAnswer } from "../translate/is-empty-gemini-response.js";

/**
 * An answer of nothing (or of thoughts only) is retried this many times before the client hears of it:
 * agents treat it as a failure, and the next attempt usually answers.
 */
export const EMPTY_ANSWER_RETRIES = 1;

const CODE = "empty_response";

function describe(empty: EmptyAnswer, attempts: number): string {
  const reason = empty.finishReason ? `finish reason ${empty.finishReason}` : "no finish reason";
  const detail = empty.finishMessage ? `: ${empty.finishMessage}` : "";
  const tries = attempts === 1 ? "" : ` in ${attempts} attempts`;
  return `Gemini returned no text and no tool call${tries} (${reason}${detail}).`;
}

/**
 * What a non-streaming client gets instead of an empty `stop`: a 502 that openai-node, the AI SDK and
 * Cline retry on their own.
 */
export function emptyAnswerError(empty: EmptyAnswer, attempts: number): GatewayError {
  return new GatewayError({
    status: 502,
    type: "server_error",
    code: CODE,
    message: describe(empty, attempts),
  });
}

/** The same, as the error event that ends a stream whose status line already went out. */
export function emptyAnswerEvent(empty: EmptyAnswer, attempts: number): OpenAIErrorBody {
  return { error: { message: describe(empty, attempts), type: "server_error", code: CODE, param: null } };
}
