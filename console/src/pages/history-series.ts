/**
 * Turns the history's buckets into chart series: one line per model (or key), aligned on one time
 * axis, with quiet hours as zero. Past `limit` lines, the smallest are summed into one "other" line so
 * a pool of hundreds of keys still gives a readable chart.
 */
// The gateway's own rule of the Pacific day (a few lines, no Node API): the console's day buckets must
// start exactly where the gateway's do, whatever the browser's time zone.
import { nextPacificMidnight, pacificDay, pacificDayStart } from "../../../src/keys/pacific-time.js";
import type { History, HistoryBucket } from "../api/types.js";
import type { ChartSeries } from "../components/chart-series.js";

export interface AlignedSeries {
  times: number[];
  series: ChartSeries[];
}

const HOUR_MS = 3_600_000;

/**
 * Every bucket's start in the period, so that hours without requests draw as zero rather than as a
 * gap. The gateway's buckets start on whole hours, or at midnight Pacific (days of 23 to 25 hours,
 * when Gemini's daily quotas reset), as these do.
 */
export function bucketAxis(history: Pick<History, "from" | "to" | "groupBy">): number[] {
  const from = Date.parse(history.from);
  const to = Date.parse(history.to);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return [];
  const days = history.groupBy === "day";
  const times: number[] = [];
  let time = days ? pacificDayStart(from) : Math.floor(from / HOUR_MS) * HOUR_MS;
  for (; time <= to; time = days ? nextPacificMidnight(time) : time + HOUR_MS) times.push(time);
  return times;
}

/** The Pacific date (`YYYY-MM-DD`) of a day bucket's start, whatever the browser's time zone. */
export function pacificDate(time: number | string): string {
  return pacificDay(typeof time === "string" ? Date.parse(time) : time);
}

export function alignSeries(
  buckets: readonly HistoryBucket[],
  nameOf: (bucket: HistoryBucket) => string,
  amountOf: (bucket: HistoryBucket) => number,
  options: { limit: number; otherLabel: string; axis?: readonly number[] },
): AlignedSeries {
  const times = [...new Set([...(options.axis ?? []), ...buckets.map((bucket) => Date.parse(bucket.time))])]
    .filter((time) => !Number.isNaN(time))
    .sort((left, right) => left - right);
  const slot = new Map(times.map((time, index) => [time, index]));
  const lines = new Map<string, number[]>();
  for (const bucket of buckets) {
    const index = slot.get(Date.parse(bucket.time));
    if (index === undefined) continue;
    const name = nameOf(bucket);
    let values = lines.get(name);
    if (!values) {
      values = new Array<number>(times.length).fill(0);
      lines.set(name, values);
    }
    values[index] = (values[index] ?? 0) + amountOf(bucket);
  }
  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  const ranked = [...lines.entries()].sort((left, right) => total(right[1]) - total(left[1]));
  const kept = ranked.slice(0, options.limit);
  const rest = ranked.slice(options.limit);
  const series: ChartSeries[] = kept.map(([label, values]) => ({ label, values }));
  if (rest.length > 0) {
    const other = new Array<number>(times.length).fill(0);
    for (const [, values] of rest) {
      for (const [index, value] of values.entries()) other[index] = (other[index] ?? 0) + value;
    }
    series.push({ label: options.otherLabel, values: other });
  }
  return { times, series };
}

/** Prompt, completion and reasoning tokens: what a bucket cost (cached tokens are part of the prompt). */
export function bucketTokens(bucket: HistoryBucket): number {
  return bucket.promptTokens + bucket.completionTokens + bucket.reasoningTokens;
}
