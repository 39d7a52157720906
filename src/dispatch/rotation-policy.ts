import { GatewayError } from "../errors.js";
import type { KeyConsequence } from "../keys/key-consequence.js";
import type { Unavailability } from "../keys/key-pool.js";
import type { UpstreamOutcome } from "../observability/metrics.js";
import type { UpstreamError } from "../upstream/upstream-error.js";
import type { Verdict } from "./classify-upstream-error.js";

/**
 * The rotation policy, in one place: for each kind of failed attempt (a `Verdict`, see
 * classify-upstream-error.ts), what happens to the key, how the attempt is counted, and what the client
 * hears when no key is left. Every kind but the client's own mistake moves on to the next key.
 * docs/ARCHITECTURE.md shows it as a table.
 */
export interface FailurePolicy {
  consequence: KeyConsequence;
  /** The `outcome` label of `gateway_upstream_requests_total`. */
  outcome: UpstreamOutcome;
}

export function policyFor(verdict: Verdict): FailurePolicy {
  switch (verdict.kind) {
    case "rate_limited":
      return {
        consequence: { kind: "rest", until: verdict.until, reason: verdict.reason, cause: "rate_limited" },
        outcome: "rate_limited",
      };
    case "rate_limited_unspecified":
      return { consequence: { kind: "rest_growing", reason: verdict.reason }, outcome: "rate_limited" };
    case "quota_exhausted":
      return {
        consequence: { kind: "rest", until: verdict.until, reason: verdict.reason, cause: "quota_exhausted" },
        outcome: "quota_exhausted",
      };
    case "invalid_key":
      return { consequence: { kind: "disable", reason: verdict.reason }, outcome: "invalid_key" };
    case "server_error":
      // An overloaded model (503) is nobody's key's fault: another key may still help.
      return {
        consequence: verdict.countsAsFailure
          ? { kind: "count_failure", reason: verdict.reason }
          : { kind: "note", reason: verdict.reason },
        outcome: "server_error",
      };
    case "timeout":
      return { consequence: { kind: "count_failure", reason: verdict.reason }, outcome: "timeout" };
    case "network_error":
      return {
        consequence: { kind: "count_failure", reason: verdict.reason },
        outcome: "network_error",
      };
    case "unreachable":
      // No key could have avoided it: never counted, so an outage of the network never disables keys.
      return { consequence: { kind: "note", reason: verdict.reason }, outcome: "network_error" };
    case "proxy_error":
      // The key's own proxy failed: another key (another proxy, or none) may get through.
      return { consequence: { kind: "note", reason: verdict.reason }, outcome: "network_error" };
    case "client_error":
      return { consequence: { kind: "nothing" }, outcome: "client_error" };
    default: {
      const unexpected: never = verdict;
      throw new Error(`unhandled verdict ${JSON.stringify(unexpected)}`);
    }
  }
}

/** One attempt of the request that failed, as dispatch remembers it. */
export interface FailedAttempt {
  verdict: Verdict;
  error: UpstreamError;
}

/** What the client is told when the upstream cannot be reached; it may try again soon. */
const UNREACHABLE_RETRY_SECONDS = 5;
/** After an overloaded model (503), how soon the client may try again. */
const OVERLOADED_RETRY_SECONDS = 5;

/**
 * What the client hears when no key could serve. Decided by a positive list over the attempts' verdicts,
 * so a new kind of failure must be placed here before it compiles:
 * - every key disabled: 503 with `Retry-After` until the next probe (when one will come);
 * - every attempt failed without reaching Google: 503 with `Retry-After`, "Google cannot be reached";
 * - otherwise the last attempt that reached Google decides: rate limits, spent quotas and refused keys
 *   mean the usable keys are resting (429 with `Retry-After`, or the 503 above once none is left);
 *   server trouble is 502 (503 when Google said so), a timeout 504, a broken connection or a failed
 *   proxy 502.
 */
export function noKeyLeftError(
  keys: { size: number; unavailability: Unavailability },
  model: string | undefined,
  failures: readonly FailedAttempt[],
  now: number,
): GatewayError {
  if (keys.unavailability.allDisabled) {
    return allDisabledError(keys.size, keys.unavailability, failures.at(-1), now);
  }
  const reached = failures.filter((failure) => failure.verdict.kind !== "unreachable");
  const last = reached.at(-1) ?? failures.at(-1);
  if (last === undefined) return restingError(keys.unavailability, model, now);
  const kind = last.verdict.kind;
  switch (kind) {
    case "rate_limited":
    case "rate_limited_unspecified":
    case "quota_exhausted":
    case "invalid_key":
      return restingError(keys.unavailability, model, now);
    case "unreachable":
      return new GatewayError({
        status: 503,
        type: "server_error",
        code: "upstream_unreachable",
        message: `Google cannot be reached from the gateway (${last.error.message}); no key was charged for it.`,
        headers: { "retry-after": String(UNREACHABLE_RETRY_SECONDS) },
      });
    case "server_error": {
      const overloaded = last.error.status === 503;
      return new GatewayError({
        status: overloaded ? 503 : 502,
        type: "server_error",
        code: "upstream_error",
        message: `Every key tried failed; last upstream error: ${last.error.message}`,
        headers: overloaded ? { "retry-after": String(OVERLOADED_RETRY_SECONDS) } : {},
      });
    }
    case "timeout":
      return new GatewayError({
        status: 504,
        type: "server_error",
        code: "upstream_timeout",
        message: `Every key tried failed; last upstream error: ${last.error.message}`,
      });
    case "network_error":
    case "proxy_error":
      return new GatewayError({
        status: 502,
        type: "server_error",
        code: "upstream_error",
        message: `Every key tried failed; last upstream error: ${last.error.message}`,
      });
    case "client_error":
      // Never reaches here (the client's mistake ends the request at once), but its answer is its own.
      return last.verdict.kind === "client_error"
        ? last.verdict.error
        : restingError(keys.unavailability, model, now);
    default: {
      const unexpected: never = kind;
      throw new Error(`unhandled verdict ${String(unexpected)}`);
    }
  }
}

function allDisabledError(
  size: number,
  unavailability: Unavailability,
  lastFailure: FailedAttempt | undefined,
  now: number,
): GatewayError {
  const headers: Record<string, string> = {};
  if (unavailability.nextProbeAt !== undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil((unavailability.nextProbeAt - now) / 1000)));
  }
  const last = lastFailure ? ` Last upstream error: ${lastFailure.error.message}` : "";
  return new GatewayError({
    status: 503,
    type: "server_error",
    code: "no_available_keys",
    message:
      size === 0
        ? "No Gemini API key is configured."
        : unavailability.nextProbeAt !== undefined
          ? `All ${size} Gemini API keys are disabled; the next is tried again at ${new Date(unavailability.nextProbeAt).toISOString()}; see /status.${last}`
          : `All ${size} Gemini API keys are disabled; see /status, then fix the keys and call /admin/reload-keys or /admin/reset-keys.${last}`,
    headers,
  });
}

function restingError(unavailability: Unavailability, model: string | undefined, now: number): GatewayError {
  const retryAt = unavailability.retryAt ?? now + 1000;
  const waitMs = Math.max(0, retryAt - now);
  const headers: Record<string, string> = {
    "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))),
    "retry-after-ms": String(Math.max(1, Math.ceil(waitMs))),
  };
  if (unavailability.spentForDay) headers["x-should-retry"] = "false";
  const scope = model ? ` for ${model}` : "";
  return new GatewayError({
    status: 429,
    type: "rate_limit_error",
    code: "rate_limit_exceeded",
    message: unavailability.spentForDay
      ? `Rate limit reached: every Gemini key's daily quota${scope} is spent; it resets at ${new Date(retryAt).toISOString()} (midnight Pacific time).`
      : `Rate limit reached: all Gemini keys are rate limited${scope}; the first frees up in ${Math.ceil(waitMs / 1000)} s.`,
    headers,
  });
}
