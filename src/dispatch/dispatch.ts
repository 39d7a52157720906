import { GatewayError } from "../errors.js";
import { classifyUpstreamError, type Verdict } from "../keys/classify-upstream-error.js";
import type { KeyLease, KeyPool } from "../keys/key-pool.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics, UpstreamOutcome } from "../observability/metrics.js";
import { noteUpstreamKey } from "../observability/request-context.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { UpstreamError } from "../upstream/upstream-error.js";

export interface DispatchDependencies {
  pool: KeyPool;
  metrics: Metrics;
  logger: Logger;
  maxAttempts: number;
  /** No new attempt starts once the request is this old. */
  deadlineMs?: number;
  now?: () => number;
}

export interface DispatchRequest {
  /** The model whose quota the call spends; undefined for calls that spend none (model lists). */
  model: string | undefined;
  signal: AbortSignal;
}

export interface Dispatched<T> {
  value: T;
  lease: KeyLease;
  attempts: number;
}

/**
 * The one retry loop every route uses. It asks the pool for a key, runs `attempt` with it, and on an
 * upstream failure classifies it, tells the pool, and tries the next key, until an attempt succeeds,
 * the client's own mistake ends it, or no usable key is left. `attempt` must resolve only once the
 * upstream has answered with success (for a stream, its first event), so nothing has reached the
 * client before that.
 */
export async function dispatch<T>(
  dependencies: DispatchDependencies,
  request: DispatchRequest,
  attempt: (lease: KeyLease) => Promise<T>,
): Promise<Dispatched<T>> {
  const { pool, metrics } = dependencies;
  const now = dependencies.now ?? Date.now;
  const tried = new Set<string>();
  const startedAt = performance.now();
  let lastFailure: { verdict: Verdict; error: UpstreamError } | undefined;

  for (let attempts = 1; attempts <= dependencies.maxAttempts; attempts++) {
    if (request.signal.aborted) throw new ClientGoneError("client disconnected");
    if (
      attempts > 1 &&
      dependencies.deadlineMs !== undefined &&
      performance.now() - startedAt >= dependencies.deadlineMs
    ) {
      break;
    }
    const lease = pool.acquire(request.model, tried);
    if (!lease) break;
    tried.add(lease.id);
    noteUpstreamKey(lease.id);
    const attemptStartedAt = performance.now();
    try {
      const value = await attempt(lease);
      metrics.upstreamRequests.inc({ model: lease.model, outcome: "ok" });
      metrics.upstreamFirstByte.observe(
        { model: lease.model },
        (performance.now() - attemptStartedAt) / 1000,
      );
      pool.reportSuccess(lease);
      return { value, lease, attempts };
    } catch (error) {
      if (!(error instanceof UpstreamError)) {
        pool.release(lease);
        throw error;
      }
      const verdict = settleFailedAttempt(dependencies, lease, error, "attempt failed", attempts);
      if (verdict.kind === "client_error") throw verdict.error;
      metrics.failovers.inc({ reason: verdict.kind });
      lastFailure = { verdict, error };
    }
  }
  throw noKeyLeftError(pool, request.model, lastFailure, now());
}

/**
 * The one path of a failed attempt, before or after its answer started: classified once (on the
 * injected clock), told to the pool, counted once in `gateway_upstream_requests_total`, logged.
 */
function settleFailedAttempt(
  dependencies: DispatchDependencies,
  lease: KeyLease,
  error: UpstreamError,
  what: string,
  attempt?: number,
): Verdict {
  const now = dependencies.now ?? Date.now;
  const verdict = classifyUpstreamError(error, { now: now() });
  dependencies.pool.reportFailure(lease, verdict);
  dependencies.metrics.upstreamRequests.inc({ model: lease.model, outcome: outcomeOf(verdict) });
  dependencies.logger.warn(
    {
      keyId: lease.id,
      model: lease.model,
      verdict: verdict.kind,
      status: error.status,
      ...(attempt === undefined ? {} : { attempt }),
      upstreamMessage: error.message,
    },
    `upstream ${what}: ${verdict.kind === "client_error" ? verdict.error.message : verdict.reason}`,
  );
  return verdict;
}

/** A committed answer (a stream the client already reads) broke: the same path as a failed attempt. */
export function settleFailureAfterStart(
  dependencies: DispatchDependencies,
  lease: KeyLease,
  error: UpstreamError,
): Verdict {
  return settleFailedAttempt(dependencies, lease, error, "stream failed after it started");
}

/** The metric outcome of an attempt's verdict. */
export function outcomeOf(verdict: Verdict): UpstreamOutcome {
  switch (verdict.kind) {
    case "rate_limited":
    case "rate_limited_unspecified":
      return "rate_limited";
    case "quota_exhausted":
      return "quota_exhausted";
    case "invalid_key":
      return "invalid_key";
    case "server_error":
      return "server_error";
    case "client_error":
      return "client_error";
    case "network_error":
    case "proxy_error":
      return "network_error";
    case "timeout":
      return "timeout";
    default: {
      const unexpected: never = verdict;
      return unexpected;
    }
  }
}

/**
 * What the client hears when no key could serve: 429 with `Retry-After` while keys rest, 503 when every
 * key is disabled, or the status of the last upstream failure when keys failed with server trouble.
 */
export function noKeyLeftError(
  pool: KeyPool,
  model: string | undefined,
  lastFailure: { verdict: Verdict; error: UpstreamError } | undefined,
  now: number,
): GatewayError {
  const unavailability = pool.unavailability(model);
  const lastKind = lastFailure?.verdict.kind;
  if (
    lastFailure &&
    lastKind !== "rate_limited" &&
    lastKind !== "rate_limited_unspecified" &&
    lastKind !== "quota_exhausted" &&
    lastKind !== "invalid_key"
  ) {
    const status = lastKind === "timeout" ? 504 : lastFailure.error.status === 503 ? 503 : 502;
    return new GatewayError({
      status,
      type: "server_error",
      code: lastKind === "timeout" ? "upstream_timeout" : "upstream_error",
      message: `Every key tried failed; last upstream error: ${lastFailure.error.message}`,
      headers: status === 503 ? { "retry-after": "5" } : {},
    });
  }
  if (unavailability.allDisabled) {
    return new GatewayError({
      status: 503,
      type: "server_error",
      code: "no_available_keys",
      message:
        pool.size === 0
          ? "No Gemini API key is configured."
          : `All ${pool.size} Gemini API keys are disabled; see /status, then fix the keys and call /admin/reload-keys or /admin/reset-keys.`,
    });
  }
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
