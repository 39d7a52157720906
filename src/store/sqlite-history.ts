import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { pacificDay, pacificDayStart } from "../keys/pacific-time.js";
import { type HistoryEntry, HOUR_MS } from "./history-buffer.js";
import {
  type AvailabilitySample,
  type HistoryAnswer,
  type HistoryBucket,
  type HistoryQuery,
  type HistoryStore,
  MAX_HISTORY_BUCKETS,
} from "./history-store.js";
import { inTransaction } from "./open-database.js";
import {
  COUNTER_COLUMNS,
  UPSERT_USAGE_DAILY_KEYS,
  UPSERT_USAGE_HOURLY,
  UPSERT_USAGE_HOURLY_MODELS,
} from "./schema.js";
import { countersFromColumns, countersToColumns, type UsageCounters } from "./usage-counters.js";

/** Expired hourly rows deleted per prune, so that no prune holds the event loop for long. */
const PRUNE_SLICE = 1_000;
const MINUTE_MS = 60_000;

/**
 * `pacific_day_start(epoch milliseconds)`: `pacificDayStart` as an SQL function, so that the database
 * groups hours into Pacific days itself (and the answer's LIMIT still counts buckets, not hours) while
 * the rule of daylight saving stays in one place.
 */
const PACIFIC_DAY_START = "pacific_day_start";

const SUMS = COUNTER_COLUMNS.map((column) => `SUM(${column}) AS ${column}`).join(", ");

type Row = Record<string, unknown>;
const numberOf = (row: Row, column: string) => Number(row[column] ?? 0);

/** Usage history in the embedded database (see schema.ts for its three tables). */
export class SqliteHistoryStore implements HistoryStore {
  private readonly upsertHourly: StatementSync;
  private readonly upsertModels: StatementSync;
  private readonly upsertDaily: StatementSync;
  private readonly insertSample: StatementSync;
  private readonly selectDay: StatementSync;

  constructor(private readonly database: DatabaseSync) {
    database.function(PACIFIC_DAY_START, { deterministic: true }, (instant) =>
      pacificDayStart(Number(instant)),
    );
    this.upsertHourly = database.prepare(UPSERT_USAGE_HOURLY);
    this.upsertModels = database.prepare(UPSERT_USAGE_HOURLY_MODELS);
    this.upsertDaily = database.prepare(UPSERT_USAGE_DAILY_KEYS);
    this.insertSample = database.prepare(
      "INSERT OR REPLACE INTO availability (minute, available, total) VALUES (?, ?, ?)",
    );
    this.selectDay = database.prepare(
      `SELECT key_id, ${COUNTER_COLUMNS.join(", ")} FROM usage_daily_keys WHERE day = ?`,
    );
  }

  async add(entries: readonly HistoryEntry[], samples: readonly AvailabilitySample[]): Promise<void> {
    if (entries.length === 0 && samples.length === 0) return;
    inTransaction(this.database, () => {
      for (const entry of entries) {
        const counters = countersToColumns(entry.counters);
        this.upsertHourly.run(entry.hour, entry.keyId, entry.model, ...counters);
        this.upsertModels.run(entry.hour, entry.model, ...counters);
        this.upsertDaily.run(entry.day, entry.keyId, ...counters);
      }
      for (const sample of samples) this.insertSample.run(sample.minute, sample.available, sample.total);
    });
  }

  async query(query: HistoryQuery): Promise<HistoryAnswer> {
    // The bucket's first instant in milliseconds, as `bucketStart` gives it, of a column counted in `unitMs`.
    const bucket = (column: string, unitMs: number) =>
      query.groupBy === "day"
        ? `${PACIFIC_DAY_START}(${column} * ${unitMs})`
        : `(${column} * ${unitMs} / ${HOUR_MS}) * ${HOUR_MS}`;
    const perKey = query.by === "key" || query.keyId !== undefined;
    const table = perKey ? "usage_hourly" : "usage_hourly_models";
    const conditions = ["hour >= ?", "hour <= ?"];
    const parameters: SQLInputValue[] = [Math.floor(query.from / HOUR_MS), Math.floor(query.to / HOUR_MS)];
    if (query.keyId !== undefined) {
      conditions.push("key_id = ?");
      parameters.push(query.keyId);
    }
    if (query.model !== undefined) {
      conditions.push("model = ?");
      parameters.push(query.model);
    }
    const split = query.by === "model" ? ["model"] : query.by === "key" ? ["key_id"] : [];
    const rows = this.database
      .prepare(
        `SELECT ${bucket("hour", HOUR_MS)} AS bucket${split.map((column) => `, ${column}`).join("")}, ${SUMS}
         FROM ${table} WHERE ${conditions.join(" AND ")}
         GROUP BY bucket${split.map((column) => `, ${column}`).join("")}
         ORDER BY bucket${split.map((column) => `, ${column}`).join("")} LIMIT ${MAX_HISTORY_BUCKETS + 1}`,
      )
      .all(...parameters) as Row[];
    const truncated = rows.length > MAX_HISTORY_BUCKETS;
    const buckets = rows.slice(0, MAX_HISTORY_BUCKETS).map((row): HistoryBucket => {
      const bucket: HistoryBucket = {
        time: numberOf(row, "bucket"),
        counters: countersFromColumns((column) => numberOf(row, column)),
      };
      if (query.by === "model") bucket.model = String(row.model);
      if (query.by === "key") bucket.keyId = String(row.key_id);
      return bucket;
    });

    const availability = (
      this.database
        .prepare(
          `SELECT ${bucket("minute", MINUTE_MS)} AS bucket, MIN(available) AS available,
           AVG(available) AS average, MAX(total) AS total
           FROM availability WHERE minute >= ? AND minute < ? GROUP BY bucket ORDER BY bucket`,
        )
        .all(Math.floor(query.from / HOUR_MS) * 60, (Math.floor(query.to / HOUR_MS) + 1) * 60) as Row[]
    ).map((row) => ({
      time: numberOf(row, "bucket"),
      available: numberOf(row, "available"),
      availableAverage: Math.round(numberOf(row, "average") * 10) / 10,
      total: numberOf(row, "total"),
    }));
    return { buckets, availability, truncated };
  }

  async day(day: string): Promise<Map<string, UsageCounters>> {
    const result = new Map<string, UsageCounters>();
    for (const row of this.selectDay.all(day) as Row[]) {
      result.set(
        String(row.key_id),
        countersFromColumns((column) => numberOf(row, column)),
      );
    }
    return result;
  }

  async prune(before: number): Promise<void> {
    const hour = Math.floor(before / HOUR_MS);
    inTransaction(this.database, () => {
      this.database
        .prepare(
          `DELETE FROM usage_hourly WHERE (hour, key_id, model) IN
           (SELECT hour, key_id, model FROM usage_hourly WHERE hour < ? LIMIT ${PRUNE_SLICE})`,
        )
        .run(hour);
      this.database.prepare("DELETE FROM usage_hourly_models WHERE hour < ?").run(hour);
      this.database.prepare("DELETE FROM usage_daily_keys WHERE day < ?").run(pacificDay(before));
      this.database.prepare("DELETE FROM availability WHERE minute < ?").run(Math.floor(before / MINUTE_MS));
    });
  }
}
