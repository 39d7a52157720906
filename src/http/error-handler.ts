import type { NextFunction, Request, Response } from "express";
import { GatewayError } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { noteRequestError } from "../observability/request-context.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { type ErrorEnvelope, envelopeFor, type MountedEnvelope } from "./error-envelope.js";

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

/**
 * The last middleware: every failure becomes a real status, in the error envelope of the protocol the
 * request's path belongs to (see error-envelope.ts).
 */
export function errorHandler(options: {
  logger: Logger;
  redact: (text: string) => string;
  envelopes: readonly MountedEnvelope[];
  fallback: ErrorEnvelope;
}) {
  const { logger, redact } = options;
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
    noteRequestError(redact(gatewayError.message));
    for (const [name, value] of Object.entries(gatewayError.headers)) response.setHeader(name, value);
    const envelope = envelopeFor(request.path, options.envelopes, options.fallback);
    response.status(gatewayError.status).json(envelope.body(gatewayError));
  };
}
