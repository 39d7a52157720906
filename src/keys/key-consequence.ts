/**
 * What one failed attempt does to the key that made it, decided by the rotation policy
 * (src/dispatch/rotation-policy.ts) and applied by the pool.
 */
export type KeyConsequence =
  /** The (key, model) pair rests until `until`: a per-minute or per-day quota, a model not offered. */
  | { kind: "rest"; until: number; reason: string; cause: "rate_limited" | "quota_exhausted" }
  /** A 429 with nothing to go by: a short rest for the pair, doubled on each repeat (2 s … 60 s). */
  | { kind: "rest_growing"; reason: string }
  /** The key itself is refused (invalid, leaked, suspended): disabled until reset, reload or enable. */
  | { kind: "disable"; reason: string }
  /** One more consecutive failure; `MAX_FAILURES` of them disable the key until a probe succeeds. */
  | { kind: "count_failure"; reason: string }
  /** Not the key's fault: the reason is shown as its last error, nothing is counted. */
  | { kind: "note"; reason: string }
  /** Nothing at all: the client's own mistake says nothing about the key. */
  | { kind: "nothing" };
