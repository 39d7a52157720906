import { GatewayError } from "../errors.js";
import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import type { AnswerFailure } from "./answer-events.js";
import { createGeminiEventConverter, type EmptyAnswer } from "./convert-gemini-to-events.js";

export type { EmptyAnswer };

/**
 * An answer of nothing (or of thoughts only) is retried this many times, unseen, before the client hears
 * of it: agents treat it as a failure (Roo "did not provide any assistant messages", Cline "Invalid API
 * Response"), and the next attempt usually answers.
 */
export const EMPTY_ANSWER_RETRIES = 1;

const CODE = "empty_response";
/** A status that openai-node, the AI SDK, Claude Code and Cline retry on their own. */
const STATUS = 502;

function describe(empty: EmptyAnswer, attempts: number): string {
  const reason = empty.finishReason ? `finish reason ${empty.finishReason}` : "no finish reason";
  const detail = empty.finishMessage ? `: ${empty.finishMessage}` : "";
  const tries = attempts === 1 ? "" : ` in ${attempts} attempts`;
  return `Gemini returned no text and no tool call${tries} (${reason}${detail}).`;
}

/** What a client gets instead of an empty answer: the answer's failure, for a stream's error event. */
export function emptyAnswerFailure(empty: EmptyAnswer, attempts: number): AnswerFailure {
  return { status: STATUS, code: CODE, message: describe(empty, attempts) };
}

/** The same failure before anything was sent: an HTTP status in the protocol's error envelope. */
export function emptyAnswerError(empty: EmptyAnswer, attempts: number): GatewayError {
  return new GatewayError({
    status: STATUS,
    type: "server_error",
    code: CODE,
    message: describe(empty, attempts),
  });
}

/**
 * Why a whole generateContent response has nothing a client can act on, or `undefined` when it is an
 * answer (the engine's converter decides; see `GeminiEventConverter.emptyAnswer`). Not empty, because a
 * retry would end the same way: a refusal (a blocked prompt or a content-filter finish), or a cut by the
 * output limit (`MAX_TOKENS`, e.g. thinking that spent the whole budget), which the client can raise.
 */
export function emptyAnswerOf(response: GeminiGenerateContentResponse): EmptyAnswer | undefined {
  const converter = createGeminiEventConverter({ newToolCallId: () => "", includeReasoning: false });
  converter.push(response);
  return converter.emptyAnswer();
}

export function isEmptyGeminiResponse(response: GeminiGenerateContentResponse): boolean {
  return emptyAnswerOf(response) !== undefined;
}
