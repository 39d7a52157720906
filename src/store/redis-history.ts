import type { Redis } from "ioredis";
import { type HistoryEntry, HOUR_MS } from "./history-buffer.js";
import {
  type AvailabilityBucket,
  type AvailabilitySample,
  bucketStart,
  type HistoryAnswer,
  type HistoryBucket,
  type HistoryQuery,
  type HistoryStore,
  MAX_HISTORY_BUCKETS,
} from "./history-store.js";
import { COUNTER_COLUMNS } from "./schema.js";
import { addCounters, countersFromColumns, countersToColumns, type UsageCounters } from "./usage-counters.js";

const PREFIX = "gemini-rotator:history:";
const DAY_MS = 24 * HOUR_MS;
const MINUTE_MS = 60_000;

type Column = (typeof COUNTER_COLUMNS)[number];

/**
 * Usage history shared by every replica, in Redis hashes that each replica's flush increments
 * (HINCRBY, so concurrent replicas add up), kept the same three ways as in the embedded database:
 * - `h:<hour>`: field `<key id>\t<model>\t<counter>`, per hour, key and model;
 * - `m:<hour>`: field `<model>\t<counter>`, the whole pool per hour and model (the usage charts);
 * - `d:<Pacific day>`: field `<key id>\t<counter>`, per key and quota day (the pool page's "today");
 * - `a:<hour>`: field `<minute>`, `available/total` keys, sampled by each replica.
 * Every hash expires `HISTORY_DAYS` after its span ends, which is the pruning.
 */
export class RedisHistoryStore implements HistoryStore {
  constructor(
    private readonly client: Redis,
    private readonly historyDays: number,
    private readonly now: () => number = Date.now,
  ) {}

  async add(entries: readonly HistoryEntry[], samples: readonly AvailabilitySample[]): Promise<void> {
    if (entries.length === 0 && samples.length === 0) return;
    const pipeline = this.client.pipeline();
    const expiries = new Map<string, number>();
    const keepFor = this.historyDays * DAY_MS;
    for (const entry of entries) {
      const hourly = `${PREFIX}h:${entry.hour}`;
      const models = `${PREFIX}m:${entry.hour}`;
      const daily = `${PREFIX}d:${entry.day}`;
      countersToColumns(entry.counters).forEach((value, index) => {
        if (value === 0) return;
        const column = COUNTER_COLUMNS[index];
        pipeline.hincrby(hourly, `${entry.keyId}\t${entry.model}\t${column}`, value);
        pipeline.hincrby(models, `${entry.model}\t${column}`, value);
        pipeline.hincrby(daily, `${entry.keyId}\t${column}`, value);
      });
      const hourEnds = (entry.hour + 1) * HOUR_MS;
      expiries.set(hourly, hourEnds + keepFor);
      expiries.set(models, hourEnds + keepFor);
      // A Pacific day ends at most 24 hours after any of its hours.
      expiries.set(daily, hourEnds + DAY_MS + keepFor);
    }
    for (const sample of samples) {
      const hash = `${PREFIX}a:${Math.floor((sample.minute * MINUTE_MS) / HOUR_MS)}`;
      pipeline.hset(hash, String(sample.minute), `${sample.available}/${sample.total}`);
      expiries.set(hash, sample.minute * MINUTE_MS + HOUR_MS + keepFor);
    }
    for (const [key, at] of expiries) pipeline.pexpireat(key, at);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async query(query: HistoryQuery): Promise<HistoryAnswer> {
    const oldestKept = Math.floor((this.now() - this.historyDays * DAY_MS) / HOUR_MS);
    const fromHour = Math.max(Math.floor(query.from / HOUR_MS), oldestKept);
    const toHour = Math.floor(query.to / HOUR_MS);
    const hours: number[] = [];
    for (let hour = fromHour; hour <= toHour; hour++) hours.push(hour);
    const perKey = query.by === "key" || query.keyId !== undefined;

    const pipeline = this.client.pipeline();
    for (const hour of hours) pipeline.hgetall(`${PREFIX}${perKey ? "h" : "m"}:${hour}`);
    for (const hour of hours) pipeline.hgetall(`${PREFIX}a:${hour}`);
    const results = (await pipeline.exec()) ?? [];

    const buckets = new Map<string, HistoryBucket>();
    hours.forEach((hour, index) => {
      const fields = asHash(results[index]?.[1]);
      const time = bucketStart(query.groupBy, hour * HOUR_MS);
      for (const [field, value] of Object.entries(fields)) {
        const parts = field.split("\t");
        const [keyId, model, column] = perKey ? parts : [undefined, parts[0], parts[1]];
        if (!model || !isColumn(column)) continue;
        if (query.keyId !== undefined && keyId !== query.keyId) continue;
        if (query.model !== undefined && model !== query.model) continue;
        const split = query.by === "model" ? model : query.by === "key" ? keyId : "";
        const id = `${time}\t${split}`;
        let bucket = buckets.get(id);
        if (!bucket) {
          bucket = { time, counters: countersFromColumns(() => 0) };
          if (query.by === "model") bucket.model = model;
          if (query.by === "key" && keyId !== undefined) bucket.keyId = keyId;
          buckets.set(id, bucket);
        }
        addCounters(bucket.counters, single(column, Number(value)));
      }
    });
    const sorted = [...buckets.values()].sort(
      (first, second) =>
        first.time - second.time ||
        (first.model ?? first.keyId ?? "").localeCompare(second.model ?? second.keyId ?? ""),
    );

    const availability = new Map<number, { minimum: number; sum: number; count: number; total: number }>();
    hours.forEach((hour, index) => {
      const fields = asHash(results[hours.length + index]?.[1]);
      const time = bucketStart(query.groupBy, hour * HOUR_MS);
      for (const value of Object.values(fields)) {
        const [available, total] = value.split("/").map(Number);
        if (available === undefined || total === undefined || Number.isNaN(available)) continue;
        const bucket = availability.get(time) ?? { minimum: available, sum: 0, count: 0, total: 0 };
        bucket.minimum = Math.min(bucket.minimum, available);
        bucket.sum += available;
        bucket.count += 1;
        bucket.total = Math.max(bucket.total, total);
        availability.set(time, bucket);
      }
    });
    return {
      buckets: sorted.slice(0, MAX_HISTORY_BUCKETS),
      truncated: sorted.length > MAX_HISTORY_BUCKETS,
      availability: [...availability.entries()]
        .sort(([first], [second]) => first - second)
        .map(
          ([time, bucket]): AvailabilityBucket => ({
            time,
            available: bucket.minimum,
            availableAverage: Math.round((bucket.sum / bucket.count) * 10) / 10,
            total: bucket.total,
          }),
        ),
    };
  }

  async day(day: string): Promise<Map<string, UsageCounters>> {
    const fields = await this.client.hgetall(`${PREFIX}d:${day}`);
    const result = new Map<string, UsageCounters>();
    for (const [field, value] of Object.entries(fields)) {
      const [keyId, column] = field.split("\t");
      if (!keyId || !isColumn(column)) continue;
      let counters = result.get(keyId);
      if (!counters) {
        counters = countersFromColumns(() => 0);
        result.set(keyId, counters);
      }
      addCounters(counters, single(column, Number(value)));
    }
    return result;
  }

  /** Redis forgets each hash when it expires. */
  async prune(): Promise<void> {}
}

function isColumn(value: string | undefined): value is Column {
  return (COUNTER_COLUMNS as readonly string[]).includes(value ?? "");
}

function single(column: Column, value: number): UsageCounters {
  return countersFromColumns((name) => (name === column && Number.isFinite(value) ? value : 0));
}

function asHash(value: unknown): Record<string, string> {
  return value !== null && typeof value === "object" ? (value as Record<string, string>) : {};
}
