import type { OpenAIErrorType } from "./openai/types.js";

/**
 * An error the gateway answers with: an HTTP status and what goes into OpenAI's error body.
 * Every failure that reaches a client passes through one of these, written in the envelope of the
 * client's protocol (see http/error-envelope.ts).
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string | null;
  readonly param: string | null;
  /** Extra response headers, e.g. `retry-after`. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Google's own error body (secrets removed), for a mistake Gemini reported about the client's request:
   * the native routes relay it as is, since Gemini SDKs read its details.
   */
  readonly googleBody: unknown;

  constructor(options: {
    status: number;
    message: string;
    type?: OpenAIErrorType;
    code?: string | null;
    param?: string | null;
    headers?: Record<string, string>;
    googleBody?: unknown;
  }) {
    super(options.message);
    this.name = "GatewayError";
    this.status = options.status;
    this.type = options.type ?? defaultErrorType(options.status);
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.googleBody = options.googleBody;
  }
}

export function defaultErrorType(status: number): OpenAIErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new GatewayError({ status: 400, message, param, code, type: "invalid_request_error" });
}
