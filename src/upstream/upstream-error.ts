import type { GeminiErrorBody } from "../gemini/wire-types.js";

export type UpstreamFailureKind =
  /** Upstream answered with a non-success status. */
  | "http"
  /** The connection broke (reset, closed) or failed in a way a key may be part of. */
  | "network"
  /**
   * Google could not be reached at all before any HTTP answer (DNS failure, connection refused, no route
   * to host, TLS failure): no key could have avoided it.
   */
  | "unreachable"
  /** A 2xx answer whose body is not what the API answers (not JSON, or not the expected shape). */
  | "malformed"
  /** No first byte within the attempt's time. */
  | "timeout"
  /** The key's outbound proxy failed; not the key's fault. */
  | "proxy"
  /** The stream broke or carried an error after it had started. */
  | "stream";

export interface GoogleErrorFacts {
  /** The canonical code, e.g. `RESOURCE_EXHAUSTED`. */
  googleStatus?: string;
  /** `ErrorInfo.reason`, e.g. `API_KEY_INVALID`. */
  reason?: string;
  /** Every `QuotaFailure.violations[].quotaId`. */
  quotaIds: string[];
  /** `RetryInfo.retryDelay` in milliseconds. */
  retryDelayMs?: number;
}

/**
 * The one typed upstream failure: what rotation needs to decide (status, Google's status, retry delay,
 * quota ids, reason) plus the message, already free of secrets.
 */
export class UpstreamError extends Error implements GoogleErrorFacts {
  readonly kind: UpstreamFailureKind;
  readonly status: number | undefined;
  readonly googleStatus: string | undefined;
  readonly reason: string | undefined;
  readonly quotaIds: string[];
  readonly retryDelayMs: number | undefined;
  /** The parsed error body, for the native passthrough, which relays Google's own envelope. */
  readonly body: unknown;

  constructor(
    kind: UpstreamFailureKind,
    message: string,
    details: Partial<GoogleErrorFacts> & { status?: number; body?: unknown; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "UpstreamError";
    this.kind = kind;
    this.status = details.status;
    this.googleStatus = details.googleStatus;
    this.reason = details.reason;
    this.quotaIds = details.quotaIds ?? [];
    this.retryDelayMs = details.retryDelayMs;
    this.body = details.body;
  }
}

/** Reads a Gemini error body: `{"error":{…}}`, or the array form `[{"error":{…}}]` of streams and the compat layer. */
export function parseGeminiErrorBody(text: string): GeminiErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const candidate = Array.isArray(parsed) ? parsed[0] : parsed;
  if (candidate && typeof candidate === "object" && "error" in candidate) {
    const error = (candidate as { error: unknown }).error;
    if (error && typeof error === "object") return candidate as GeminiErrorBody;
  }
  return undefined;
}

/** Pulls the facts rotation needs out of a `google.rpc.Status`'s details. */
export function googleErrorFacts(body: GeminiErrorBody | undefined): GoogleErrorFacts {
  const facts: GoogleErrorFacts = { quotaIds: [] };
  if (!body) return facts;
  if (typeof body.error.status === "string") facts.googleStatus = body.error.status;
  for (const detail of Array.isArray(body.error.details) ? body.error.details : []) {
    const type = typeof detail?.["@type"] === "string" ? detail["@type"] : "";
    if (type.endsWith("google.rpc.ErrorInfo") && typeof detail.reason === "string") {
      facts.reason = detail.reason;
    } else if (type.endsWith("google.rpc.RetryInfo")) {
      const delay = parseDurationMs(detail.retryDelay);
      if (delay !== undefined) facts.retryDelayMs = delay;
    } else if (type.endsWith("google.rpc.QuotaFailure") && Array.isArray(detail.violations)) {
      for (const violation of detail.violations as Array<{ quotaId?: unknown }>) {
        if (typeof violation?.quotaId === "string") facts.quotaIds.push(violation.quotaId);
      }
    }
  }
  return facts;
}

/** A protobuf Duration in JSON: `"38s"`, `"34.4s"`. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = value.trim().match(/^(\d+(?:\.\d+)?)s$/);
  return match?.[1] ? Math.round(Number.parseFloat(match[1]) * 1000) : undefined;
}
