import type { NextFunction, Request, Response } from "express";
import { GatewayError, toOpenAIErrorBody } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { ClientGoneError } from "../upstream/gemini-client.js";

/** Errors body-parser raises, by its `type`, as the client should hear them. */
function bodyParserError(error: {
  type?: string;
  status?: number;
  message?: string;
}): GatewayError | undefined {
  switch (error.type) {
    case "entity.parse.failed":
      return new GatewayError({
        status: 400,
        code: "invalid_json",
        message: `The request body is not valid JSON: ${error.message ?? "parse error"}`,
      });
    case "entity.too.large":
      return new GatewayError({
        status: 413,
        code: "request_too_large",
        message: "The request body is larger than the gateway's BODY_LIMIT.",
      });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new GatewayError({
        status: 415,
        code: "unsupported_encoding",
        message: error.message ?? "unsupported",
      });
    case "request.aborted":
      return new GatewayError({
        status: 400,
        code: "request_aborted",
        message: "The request body was cut short.",
      });
    default:
      if (typeof error.status === "number" && error.status >= 400 && error.status < 500) {
        return new GatewayError({ status: error.status, message: error.message ?? "bad request" });
      }
      return undefined;
  }
}

/** Native Gemini routes answer in Gemini's own envelope, which Gemini SDKs read. */
export function isNativeRoute(request: Request): boolean {
  return request.path.startsWith("/v1beta/") && !request.path.startsWith("/v1beta/openai/");
}

const GOOGLE_STATUS_BY_HTTP: Record<number, string> = {
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

export function toGeminiErrorBody(error: GatewayError) {
  return {
    error: {
      code: error.status,
      message: error.message,
      status: GOOGLE_STATUS_BY_HTTP[error.status] ?? "UNKNOWN",
    },
  };
}

/** The last middleware: every failure becomes a real status with OpenAI's error body (or Gemini's on native routes). */
export function errorHandler(logger: Logger, redact: (text: string) => string) {
  return (error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof ClientGoneError) return;
    let gatewayError = error instanceof GatewayError ? error : bodyParserError(error as never);
    if (!gatewayError) {
      logger.error(
        {
          err: {
            message: redact(String((error as Error)?.message)),
            stack: redact(String((error as Error)?.stack)),
          },
        },
        "unexpected error",
      );
      gatewayError = new GatewayError({
        status: 500,
        type: "server_error",
        message: "Internal gateway error.",
      });
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    for (const [name, value] of Object.entries(gatewayError.headers)) response.setHeader(name, value);
    response
      .status(gatewayError.status)
      .json(isNativeRoute(request) ? toGeminiErrorBody(gatewayError) : toOpenAIErrorBody(gatewayError));
  };
}
