import { pacificDayStart } from "../keys/pacific-time.js";
import { type HistoryEntry, HOUR_MS } from "./history-buffer.js";
import type { UsageCounters } from "./usage-counters.js";

/** Buckets of one hour, or of one Pacific day (midnight to midnight in Los Angeles, 23 to 25 hours). */
export type HistoryGrouping = "hour" | "day";
/** How buckets are split: the whole pool, per model, or per key. */
export type HistorySplit = "none" | "model" | "key";

export interface HistoryQuery {
  /** Epoch milliseconds; the hours that hold `from` and `to` are included. */
  from: number;
  to: number;
  groupBy: HistoryGrouping;
  by: HistorySplit;
  keyId?: string;
  model?: string;
}

export interface HistoryBucket {
  /** The bucket's first instant (epoch milliseconds): its hour's, or its Pacific day's (see `bucketStart`). */
  time: number;
  model?: string;
  keyId?: string;
  counters: UsageCounters;
}

/** How many keys were available, sampled once a minute. */
export interface AvailabilitySample {
  /** Minutes since the epoch. */
  minute: number;
  available: number;
  total: number;
}

export interface AvailabilityBucket {
  time: number;
  /** The fewest available keys seen in the bucket. */
  available: number;
  availableAverage: number;
  total: number;
}

export interface HistoryAnswer {
  buckets: HistoryBucket[];
  availability: AvailabilityBucket[];
  /** More buckets matched than one answer holds (`MAX_HISTORY_BUCKETS`); narrow the range or filter. */
  truncated: boolean;
}

/** At most this many buckets in one answer: 5,000 keys by day over a week, for instance. */
export const MAX_HISTORY_BUCKETS = 50_000;

/**
 * The first instant of the bucket that holds `instant`: its hour, or its Pacific day, the day Gemini's
 * daily quotas count (so "per day" agrees with "today" and with the quota). Both stores bucket by it.
 */
export function bucketStart(groupBy: HistoryGrouping, instant: number): number {
  return groupBy === "day" ? pacificDayStart(instant) : Math.floor(instant / HOUR_MS) * HOUR_MS;
}

/**
 * Where usage history lives: the embedded database, or Redis when replicas share it. Writes come in
 * batches from the activity recorder (never from a request), reads from the admin routes.
 */
export interface HistoryStore {
  add(entries: readonly HistoryEntry[], samples: readonly AvailabilitySample[]): Promise<void>;
  query(query: HistoryQuery): Promise<HistoryAnswer>;
  /** Each key's counters on one Pacific day (`YYYY-MM-DD`). */
  day(day: string): Promise<Map<string, UsageCounters>>;
  /** Forgets what is older than `before` (epoch milliseconds), a bounded slice at a time. */
  prune(before: number): Promise<void>;
}
