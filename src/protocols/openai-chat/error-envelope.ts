import type { AnswerFailure } from "../../engine/answer-events.js";
import { defaultErrorType, type GatewayError } from "../../errors.js";
import type { ErrorEnvelope } from "../../http/error-envelope.js";
import type { OpenAIErrorBody } from "../../openai/types.js";

/** OpenAI's error body: always an object, never an array (Google's compat layer wraps it in one). */
export function toOpenAIErrorBody(error: GatewayError): OpenAIErrorBody {
  return { error: { message: error.message, type: error.type, code: error.code, param: error.param } };
}

/** A failure inside a started stream, as the error object OpenAI clients read from a `data:` event. */
export function openAIErrorBodyOfFailure(failure: AnswerFailure): OpenAIErrorBody {
  return {
    error: {
      message: failure.message,
      type: defaultErrorType(failure.status),
      code: failure.code,
      param: null,
    },
  };
}

/** How `/v1/*` and `/v1beta/openai/*` answer a failure before anything was sent. */
export const openAIErrorEnvelope: ErrorEnvelope = { body: toOpenAIErrorBody };
