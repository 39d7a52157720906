import type { UpstreamOutcome } from "../observability/metrics.js";
import type { COUNTER_COLUMNS } from "./schema.js";

/** The kinds of failed attempt the usage history counts, per key and model. */
export const FAILURE_KINDS = ["rate_limited", "quota", "invalid", "server", "timeout"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** What a key did for a model in some span of time. */
export interface UsageCounters {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  failures: Record<FailureKind, number>;
}

export function emptyCounters(): UsageCounters {
  return {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    cachedTokens: 0,
    failures: { rate_limited: 0, quota: 0, invalid: 0, server: 0, timeout: 0 },
  };
}

export function addCounters(target: UsageCounters, delta: UsageCounters): void {
  target.requests += delta.requests;
  target.promptTokens += delta.promptTokens;
  target.completionTokens += delta.completionTokens;
  target.reasoningTokens += delta.reasoningTokens;
  target.cachedTokens += delta.cachedTokens;
  for (const kind of FAILURE_KINDS) target.failures[kind] += delta.failures[kind];
}

export function totalFailures(counters: UsageCounters): number {
  let total = 0;
  for (const kind of FAILURE_KINDS) total += counters.failures[kind];
  return total;
}

/**
 * The history's failure kind of an upstream attempt's outcome (the rotation policy's, as the metrics
 * count it); undefined for a success and for the client's own mistake, which says nothing of the key.
 */
export function failureKindOf(outcome: UpstreamOutcome): FailureKind | undefined {
  switch (outcome) {
    case "ok":
    case "client_error":
      return undefined;
    case "rate_limited":
      return "rate_limited";
    case "quota_exhausted":
      return "quota";
    case "invalid_key":
      return "invalid";
    case "server_error":
    case "network_error":
      return "server";
    case "timeout":
      return "timeout";
    default: {
      const unexpected: never = outcome;
      return unexpected;
    }
  }
}

/** The counters in the order of the database's counter columns (`COUNTER_COLUMNS`). */
export function countersToColumns(counters: UsageCounters): number[] {
  return [
    counters.requests,
    counters.promptTokens,
    counters.completionTokens,
    counters.reasoningTokens,
    counters.cachedTokens,
    counters.failures.rate_limited,
    counters.failures.quota,
    counters.failures.invalid,
    counters.failures.server,
    counters.failures.timeout,
  ];
}

/** Reads the counter columns of a row (by their names in `COUNTER_COLUMNS`) back into counters. */
export function countersFromColumns(
  read: (column: (typeof COUNTER_COLUMNS)[number]) => number,
): UsageCounters {
  return {
    requests: read("requests"),
    promptTokens: read("prompt_tokens"),
    completionTokens: read("completion_tokens"),
    reasoningTokens: read("reasoning_tokens"),
    cachedTokens: read("cached_tokens"),
    failures: {
      rate_limited: read("rate_limited"),
      quota: read("quota"),
      invalid: read("invalid"),
      server: read("server"),
      timeout: read("timeout"),
    },
  };
}
