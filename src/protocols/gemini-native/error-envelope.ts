import type { GatewayError } from "../../errors.js";
import type { ErrorEnvelope } from "../../http/error-envelope.js";

const GOOGLE_STATUS_BY_HTTP: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** Gemini's own `google.rpc.Status` envelope, which Gemini SDKs read. */
export function toGeminiErrorBody(error: GatewayError) {
  return {
    error: {
      code: error.status,
      message: error.message,
      status: GOOGLE_STATUS_BY_HTTP[error.status] ?? "UNKNOWN",
    },
  };
}

/**
 * How the native `/v1beta/*` routes answer a failure before anything was sent: a mistake Gemini itself
 * reported goes out as Google wrote it (the status is Google's too), anything else in Gemini's shape.
 */
export const geminiErrorEnvelope: ErrorEnvelope = {
  body: (error) => (error.googleBody !== undefined ? error.googleBody : toGeminiErrorBody(error)),
};
