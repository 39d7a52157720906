/** Percentiles and summaries over plain arrays of numbers (milliseconds unless said otherwise). */

export function percentile(sorted, fraction) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count,
    mean: count ? total / count : Number.NaN,
    min: count ? sorted[0] : Number.NaN,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: count ? sorted[count - 1] : Number.NaN,
  };
}

/** Rounds every number in a summary, for JSON that people read. */
export function rounded(summary, digits = 4) {
  return Object.fromEntries(
    Object.entries(summary).map(([name, value]) => [
      name,
      typeof value === "number" && !Number.isInteger(value) ? Number(value.toFixed(digits)) : value,
    ]),
  );
}
