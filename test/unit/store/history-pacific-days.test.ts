/**
 * `groupBy: "day"` buckets are Pacific days (when Gemini's daily quotas reset), the same in the
 * embedded database and in Redis: an hour at 05:00 UTC belongs to the day before, and the days
 * daylight saving starts and ends hold 23 and 25 hours.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { Redis } from "ioredis";
import { pacificDay } from "../../../src/keys/pacific-time.js";
import { createLogger } from "../../../src/observability/logger.js";
import type { HistoryEntry } from "../../../src/store/history-buffer.js";
import type { HistoryStore } from "../../../src/store/history-store.js";
import { openDatabase } from "../../../src/store/open-database.js";
import { RedisHistoryStore } from "../../../src/store/redis-history.js";
import { SqliteHistoryStore } from "../../../src/store/sqlite-history.js";
import { emptyCounters } from "../../../src/store/usage-counters.js";
import { describeWithRedis, type RunningRedis, startRedis } from "../../support/redis-server.js";

const HOUR = 3_600_000;
const NOW = Date.parse("2026-12-01T12:00:00Z");

/** One request by `keyId` in each hour from `first` (included) to `last` (included). */
function hours(keyId: string, first: string, last: string = first): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (let at = Date.parse(first); at <= Date.parse(last); at += HOUR) {
    const counters = emptyCounters();
    counters.requests = 1;
    entries.push({ hour: at / HOUR, day: pacificDay(at), keyId, model: "gemini-2.5-flash", counters });
  }
  return entries;
}

const ENTRIES = [
  // 2026-11-29 in Los Angeles: 21:00 and 23:00 PST are 05:00 and 07:00 UTC on the 30th.
  ...hours("key-aaaaaaaaaa", "2026-11-30T05:00:00Z"),
  ...hours("key-bbbbbbbbbb", "2026-11-30T07:00:00Z"),
  // 2026-11-30: from 00:00 PST (08:00 UTC).
  ...hours("key-aaaaaaaaaa", "2026-11-30T08:00:00Z"),
  // The hour before and after 2026-03-08 (23 hours: daylight saving starts), and every hour of it.
  ...hours("key-aaaaaaaaaa", "2026-03-08T07:00:00Z"),
  ...hours("key-aaaaaaaaaa", "2026-03-08T08:00:00Z", "2026-03-09T06:00:00Z"),
  ...hours("key-aaaaaaaaaa", "2026-03-09T07:00:00Z"),
  // The same around 2026-11-01 (25 hours: daylight saving ends).
  ...hours("key-aaaaaaaaaa", "2026-11-01T06:00:00Z"),
  ...hours("key-aaaaaaaaaa", "2026-11-01T07:00:00Z", "2026-11-02T07:00:00Z"),
  ...hours("key-aaaaaaaaaa", "2026-11-02T08:00:00Z"),
];

/** Available keys sampled at 05:10 and 08:10 UTC on 2026-11-30: two Pacific days. */
const SAMPLES = [
  { minute: Date.parse("2026-11-30T05:10:00Z") / 60_000, available: 2, total: 3 },
  { minute: Date.parse("2026-11-30T08:10:00Z") / 60_000, available: 3, total: 3 },
];

function describeStore(name: string, open: () => Promise<HistoryStore>) {
  test(`${name}: day buckets start at midnight Pacific and hold that day's hours`, async () => {
    const store = await open();
    await store.add(ENTRIES, SAMPLES);
    const byDay = async (from: string, to: string, by: "none" | "key" = "none") =>
      (await store.query({ from: Date.parse(from), to: Date.parse(to), groupBy: "day", by })).buckets.map(
        (bucket) => [new Date(bucket.time).toISOString(), bucket.keyId, bucket.counters.requests],
      );

    expect(await byDay("2026-11-30T00:00:00Z", "2026-11-30T23:00:00Z", "key")).toEqual([
      ["2026-11-29T08:00:00.000Z", "key-aaaaaaaaaa", 1],
      ["2026-11-29T08:00:00.000Z", "key-bbbbbbbbbb", 1],
      ["2026-11-30T08:00:00.000Z", "key-aaaaaaaaaa", 1],
    ]);
    expect(await byDay("2026-03-08T00:00:00Z", "2026-03-10T00:00:00Z")).toEqual([
      ["2026-03-07T08:00:00.000Z", undefined, 1],
      ["2026-03-08T08:00:00.000Z", undefined, 23],
      ["2026-03-09T07:00:00.000Z", undefined, 1],
    ]);
    expect(await byDay("2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z")).toEqual([
      ["2026-10-31T07:00:00.000Z", undefined, 1],
      ["2026-11-01T07:00:00.000Z", undefined, 25],
      ["2026-11-02T08:00:00.000Z", undefined, 1],
    ]);

    const answer = await store.query({
      from: Date.parse("2026-11-30T00:00:00Z"),
      to: Date.parse("2026-11-30T23:00:00Z"),
      groupBy: "day",
      by: "none",
    });
    expect(
      answer.availability.map((bucket) => [new Date(bucket.time).toISOString(), bucket.available]),
    ).toEqual([
      ["2026-11-29T08:00:00.000Z", 2],
      ["2026-11-30T08:00:00.000Z", 3],
    ]);

    // Hours stay hours.
    const hourly = await store.query({
      from: Date.parse("2026-11-30T05:00:00Z"),
      to: Date.parse("2026-11-30T08:00:00Z"),
      groupBy: "hour",
      by: "none",
    });
    expect(hourly.buckets.map((bucket) => new Date(bucket.time).toISOString())).toEqual([
      "2026-11-30T05:00:00.000Z",
      "2026-11-30T07:00:00.000Z",
      "2026-11-30T08:00:00.000Z",
    ]);
    expect(hourly.availability.map((bucket) => new Date(bucket.time).toISOString())).toEqual([
      "2026-11-30T05:00:00.000Z",
      "2026-11-30T08:00:00.000Z",
    ]);
  });
}

describe("history by Pacific day", () => {
  let folder: string;
  let database: DatabaseSync | undefined;
  afterEach(async () => {
    database?.close();
    database = undefined;
    if (folder) await rm(folder, { recursive: true, force: true });
  });
  describeStore("the embedded database", async () => {
    folder = await mkdtemp(join(tmpdir(), "gemini-rotator-days-"));
    database = openDatabase(join(folder, "state.db"), createLogger({ level: "error" }));
    return new SqliteHistoryStore(database);
  });
});

describeWithRedis("history by Pacific day in Redis", () => {
  let redis: RunningRedis;
  let client: Redis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(() => {
    client?.disconnect();
    client = undefined;
  });
  afterAll(async () => {
    await redis?.stop();
  });
  describeStore("Redis", async () => {
    client = new Redis(redis.url);
    // Kept long enough that March's hours are still there on the test's clock (NOW).
    return new RedisHistoryStore(client, 1_000, () => NOW);
  });
});
