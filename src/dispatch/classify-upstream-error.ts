import { GatewayError } from "../errors.js";
import { nextPacificMidnight } from "../keys/pacific-time.js";
import type { UpstreamError } from "../upstream/upstream-error.js";

/** What one failed attempt means for the key that made it, and for the request. */
export type Verdict =
  /** Per-minute request or token quota: the (key, model) pair rests until `until`. */
  | { kind: "rate_limited"; until: number; reason: string }
  /** A 429 with nothing to go by: a short rest that the pool lengthens on repeats. */
  | { kind: "rate_limited_unspecified"; reason: string }
  /** Per-day quota spent, or a model the key is not offered (`limit: 0`): the pair rests until `until`. */
  | { kind: "quota_exhausted"; until: number; reason: string; modelUnavailable?: true }
  /** Invalid, leaked, suspended key, or the API disabled for its project: disabled until reset. */
  | { kind: "invalid_key"; reason: string; suspended?: true }
  /** 5xx: try another key; `countsAsFailure` says whether it counts towards `MAX_FAILURES`. */
  | { kind: "server_error"; reason: string; countsAsFailure: boolean }
  /** The connection broke, or failed in a way the key's path may be part of. */
  | { kind: "network_error"; reason: string }
  /** Google could not be reached at all before any HTTP answer: no key could have avoided it. */
  | { kind: "unreachable"; reason: string }
  | { kind: "timeout"; reason: string }
  /** The key's own proxy failed: try another key, charge nothing. */
  | { kind: "proxy_error"; reason: string }
  /** The client's own mistake: never retried, never charged to a key. */
  | { kind: "client_error"; error: GatewayError };

export type VerdictKind = Verdict["kind"];

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
/** Spreads the return of keys that rested for the same delay, so they do not all retry at once. */
const MAX_JITTER_MS = 250;

/** The messages Gemini uses when the request is larger than the model's context window. */
const CONTEXT_OVERFLOW = /input token count.*exceeds the maximum|exceeds the maximum number of tokens/i;

/** 403s that are about a resource the key cannot see (a file, a cached content), not about the key. */
const RESOURCE_PERMISSION = /permission to access (the )?(file|cachedcontent|cached content|tuned model)/i;

const KEY_REASONS = new Set([
  "API_KEY_INVALID",
  "API_KEY_SERVICE_BLOCKED",
  "API_KEY_HTTP_REFERRER_BLOCKED",
  "API_KEY_IP_ADDRESS_BLOCKED",
  "SERVICE_DISABLED",
  "CONSUMER_SUSPENDED",
  "BILLING_DISABLED",
]);

export interface ClassifyOptions {
  now: number;
  /** Random number in [0, 1) for jitter; injectable for tests. */
  random?: () => number;
}

/**
 * The single classification table from an upstream failure to a verdict: what Google's answer means
 * (HTTP status, `google.rpc` details such as `QuotaFailure.quotaId`, `RetryInfo.retryDelay`,
 * `ErrorInfo.reason`, as the fake Gemini in test/fake-gemini/errors.ts reproduces them). What a verdict
 * does to the key and to the client is the rotation policy's (rotation-policy.ts).
 */
export function classifyUpstreamError(error: UpstreamError, options: ClassifyOptions): Verdict {
  const random = options.random ?? Math.random;
  switch (error.kind) {
    case "stream":
      // An error object inside a started stream says what went wrong, like an HTTP error would.
      if (error.status !== undefined || error.googleStatus !== undefined) {
        return classifyHttpError(error, options.now, random);
      }
      return { kind: "network_error", reason: error.message };
    case "network":
      return { kind: "network_error", reason: error.message };
    case "unreachable":
      return { kind: "unreachable", reason: `Google cannot be reached: ${error.message}` };
    case "malformed":
      return { kind: "server_error", reason: error.message, countsAsFailure: true };
    case "timeout":
      return { kind: "timeout", reason: error.message };
    case "proxy":
      return { kind: "proxy_error", reason: error.message };
    case "http":
      return classifyHttpError(error, options.now, random);
    default: {
      const unexpected: never = error.kind;
      return { kind: "network_error", reason: String(unexpected) };
    }
  }
}

function classifyHttpError(error: UpstreamError, now: number, random: () => number): Verdict {
  const status = error.status ?? 0;
  const message = error.message;

  if (status === 429 || error.googleStatus === "RESOURCE_EXHAUSTED") {
    return classifyQuotaError(error, now, random);
  }
  if (error.reason && KEY_REASONS.has(error.reason)) return invalidKey(error);
  if (status === 401) return invalidKey(error);
  if (status === 403) {
    if (RESOURCE_PERMISSION.test(message)) return clientError(error);
    return invalidKey(error);
  }
  if (status === 408) return { kind: "timeout", reason: "upstream answered 408 Request Timeout" };
  if (status >= 500) {
    // An overloaded model is nobody's key's fault: try another key, but do not count it against this one.
    const overloaded = status === 503 || error.googleStatus === "UNAVAILABLE";
    return {
      kind: "server_error",
      reason: `upstream ${status} ${error.googleStatus ?? ""}: ${message}`.trim(),
      countsAsFailure: !overloaded,
    };
  }
  return clientError(error);
}

function classifyQuotaError(error: UpstreamError, now: number, random: () => number): Verdict {
  const jitter = Math.floor(random() * MAX_JITTER_MS);
  const perDay = error.quotaIds.find((quotaId) => /PerDay/i.test(quotaId));
  const notOffered = /limit: 0\b/.test(error.message);
  if (perDay) {
    // A model the key is not offered reports a per-day violation too, with limit 0.
    return notOffered
      ? {
          kind: "quota_exhausted",
          until: nextPacificMidnight(now),
          reason: "model not available to this key (limit: 0)",
          modelUnavailable: true,
        }
      : { kind: "quota_exhausted", until: nextPacificMidnight(now), reason: `daily quota spent (${perDay})` };
  }
  if (notOffered) {
    return {
      kind: "quota_exhausted",
      until: now + DAY_MS,
      reason: "model not available to this key (limit: 0)",
      modelUnavailable: true,
    };
  }
  const quotaId = error.quotaIds[0];
  if (error.retryDelayMs !== undefined) {
    return {
      kind: "rate_limited",
      until: now + error.retryDelayMs + jitter,
      reason: `rate limited${quotaId ? ` (${quotaId})` : ""}, retry in ${Math.ceil(error.retryDelayMs / 1000)}s`,
    };
  }
  if (quotaId) {
    // Per-minute windows restart at second :00 of each minute.
    const nextMinute = Math.ceil((now + 1) / MINUTE_MS) * MINUTE_MS;
    return { kind: "rate_limited", until: nextMinute + jitter, reason: `rate limited (${quotaId})` };
  }
  return { kind: "rate_limited_unspecified", reason: "rate limited (429 without quota details)" };
}

function invalidKey(error: UpstreamError): Verdict {
  const reason = describeKeyProblem(error);
  // Said apart from "not valid" for an operator's key check; the pool treats both alike.
  return reason === SUSPENDED
    ? { kind: "invalid_key", reason, suspended: true }
    : { kind: "invalid_key", reason };
}

const SUSPENDED = "key suspended";

function describeKeyProblem(error: UpstreamError): string {
  if (/leaked/i.test(error.message)) return "key reported as leaked";
  if (error.reason === "API_KEY_INVALID" || /API key not valid/i.test(error.message)) return "key not valid";
  if (error.reason === "CONSUMER_SUSPENDED" || /suspended/i.test(error.message)) return SUSPENDED;
  if (error.reason === "SERVICE_DISABLED") return "Generative Language API disabled for this key's project";
  if (error.reason) return `key refused (${error.reason})`;
  return `key refused (${error.status ?? "?"} ${error.googleStatus ?? ""})`.replace(" )", ")");
}

function clientError(error: UpstreamError): Verdict {
  const status = error.status ?? 400;
  const message = error.message;
  const overflow = message.match(
    /input token count \((\d+)\) exceeds the maximum number of tokens allowed \((\d+)\)/i,
  );
  if (overflow || CONTEXT_OVERFLOW.test(message)) {
    const [, used, allowed] = overflow ?? [];
    return {
      kind: "client_error",
      error: new GatewayError({
        status: 400,
        type: "invalid_request_error",
        code: "context_length_exceeded",
        googleBody: error.body,
        message: allowed
          ? `This model's maximum context length is ${allowed} tokens. However, your messages resulted in ${used} tokens. (${message})`
          : `This model's maximum context length was exceeded. (${message})`,
      }),
    };
  }
  if (status === 404) {
    return {
      kind: "client_error",
      error: new GatewayError({ status: 404, code: "model_not_found", message, googleBody: error.body }),
    };
  }
  return {
    kind: "client_error",
    error: new GatewayError({
      status: status >= 400 && status < 500 ? status : 400,
      code: error.googleStatus?.toLowerCase() ?? null,
      message,
      googleBody: error.body,
    }),
  };
}
