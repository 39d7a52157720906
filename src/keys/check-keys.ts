/** What a key check found about one key (for one model, when a model was named). */
export const CHECK_VERDICTS = [
  "valid",
  "invalid",
  "suspended",
  "quota_exhausted",
  "model_unavailable",
  "rate_limited",
  "error",
] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

export interface CheckTarget {
  id: string;
  /** Masked. */
  key: string;
  label: string | null;
}

export interface CheckResult extends CheckTarget {
  verdict: CheckVerdict;
  model: string | null;
  /** Why, in words (the upstream's reason with secrets removed); empty for a valid key. */
  detail: string;
}

/** Probes one key with the cheapest call that answers the question (see key-prober.ts). */
export type ProbeKey = (
  keyId: string,
  model: string | undefined,
  signal: AbortSignal,
) => Promise<{ verdict: CheckVerdict; detail: string }>;

export interface CheckProgress {
  done: number;
  total: number;
  result: CheckResult;
}

/** Keys probed at once: quick for a few hundred keys, gentle on Google and on the machine. */
export const CHECK_CONCURRENCY = 8;

/**
 * Checks each key, a few at a time, and reports each result as it comes. A probe that throws (the
 * check was cancelled, or something unexpected) counts as an `error` for its key; the others go on
 * unless `signal` is aborted, which stops starting new probes.
 */
export async function checkKeys(
  targets: readonly CheckTarget[],
  model: string | undefined,
  probe: ProbeKey,
  options: { signal: AbortSignal; concurrency?: number; onProgress?: (progress: CheckProgress) => void },
): Promise<{ results: CheckResult[]; counts: Record<CheckVerdict, number> }> {
  const results: CheckResult[] = [];
  const counts = Object.fromEntries(CHECK_VERDICTS.map((verdict) => [verdict, 0])) as Record<
    CheckVerdict,
    number
  >;
  let next = 0;
  // A handful of workers pull the next key until none is left: at most `concurrency` probes at once.
  const worker = async () => {
    while (next < targets.length && !options.signal.aborted) {
      const target = targets[next++];
      if (!target) break;
      let outcome: { verdict: CheckVerdict; detail: string };
      try {
        outcome = await probe(target.id, model, options.signal);
      } catch (error) {
        outcome = { verdict: "error", detail: (error as Error).message };
      }
      const result: CheckResult = { ...target, model: model ?? null, ...outcome };
      results.push(result);
      counts[result.verdict] += 1;
      options.onProgress?.({ done: results.length, total: targets.length, result });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? CHECK_CONCURRENCY, targets.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { results, counts };
}
