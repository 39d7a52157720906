/**
 * The embedded database on a real file: history and the request log written by the activity recorder,
 * read back after the database is closed and opened again, pruned, trimmed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { createLogger } from "../../../src/observability/logger.js";
import { ActivityRecorder } from "../../../src/store/activity-recorder.js";
import { openDatabase } from "../../../src/store/open-database.js";
import type { RequestLogEntry } from "../../../src/store/request-log.js";
import { SqliteHistoryStore } from "../../../src/store/sqlite-history.js";
import { SqliteRequestLog } from "../../../src/store/sqlite-request-log.js";

const logger = createLogger({ level: "error" });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let folder: string;
let clock: number;
const open: Array<{ recorder: ActivityRecorder; database: DatabaseSync }> = [];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "gemini-rotator-store-"));
  clock = Date.parse("2026-11-30T18:30:00Z");
});
afterEach(async () => {
  for (const { recorder, database } of open.splice(0)) {
    await recorder.close();
    if (database.isOpen) database.close();
  }
  await rm(folder, { recursive: true, force: true });
});

function openStore(options: { maxRows?: number; historyDays?: number; available?: number } = {}) {
  const database = openDatabase(join(folder, "state.db"), logger);
  const recorder = new ActivityRecorder({
    history: new SqliteHistoryStore(database),
    requestLog: new SqliteRequestLog(database, options.maxRows ?? 1000),
    logger,
    now: () => clock,
    historyDays: options.historyDays ?? 30,
    availability: () => ({ available: options.available ?? 3, total: 3 }),
    flushIntervalMs: 60_000,
  });
  open.push({ recorder, database });
  return { database, recorder };
}

function entry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    time: clock,
    requestId: "req-1",
    route: "/v1/chat/completions",
    protocol: "openai-chat",
    model: "gemini-2.5-flash",
    keyId: "key-aaaaaaaaaa",
    status: 200,
    attempts: 1,
    firstByteMs: 120,
    totalMs: 900,
    tokens: { prompt: 10, completion: 5, reasoning: 2, cached: 0 },
    error: null,
    ...overrides,
  };
}

test("history per key, model and hour, with failures by kind, survives closing and reopening the file", async () => {
  const first = openStore();
  first.recorder.attempt("key-aaaaaaaaaa", "gemini-2.5-flash", "ok");
  first.recorder.tokens("key-aaaaaaaaaa", "gemini-2.5-flash", {
    prompt: 100,
    completion: 20,
    reasoning: 7,
    cached: 3,
  });
  first.recorder.attempt("key-bbbbbbbbbb", "gemini-2.5-flash", "rate_limited");
  first.recorder.attempt("key-bbbbbbbbbb", "gemini-2.5-pro", "quota_exhausted");
  first.recorder.attempt("key-bbbbbbbbbb", "gemini-2.5-pro", "client_error");
  clock += HOUR;
  first.recorder.attempt("key-aaaaaaaaaa", "gemini-2.5-flash", "server_error");
  first.recorder.attempt("key-aaaaaaaaaa", "gemini-2.5-flash", "timeout");
  await first.recorder.close();
  first.database.close();

  const second = openStore();
  const byKey = await second.recorder.history({
    from: clock - 2 * HOUR,
    to: clock,
    groupBy: "hour",
    by: "key",
  });
  expect(
    byKey.buckets.map((bucket) => [new Date(bucket.time).toISOString(), bucket.keyId, bucket.counters]),
  ).toEqual([
    [
      "2026-11-30T18:00:00.000Z",
      "key-aaaaaaaaaa",
      {
        requests: 1,
        promptTokens: 100,
        completionTokens: 20,
        reasoningTokens: 7,
        cachedTokens: 3,
        failures: { rate_limited: 0, quota: 0, invalid: 0, server: 0, timeout: 0 },
      },
    ],
    [
      "2026-11-30T18:00:00.000Z",
      "key-bbbbbbbbbb",
      expect.objectContaining({
        requests: 0,
        failures: expect.objectContaining({ rate_limited: 1, quota: 1 }),
      }),
    ],
    [
      "2026-11-30T19:00:00.000Z",
      "key-aaaaaaaaaa",
      expect.objectContaining({ requests: 0, failures: expect.objectContaining({ server: 1, timeout: 1 }) }),
    ],
  ]);

  const byModelPerDay = await second.recorder.history({
    from: clock - 2 * HOUR,
    to: clock,
    groupBy: "day",
    by: "model",
  });
  expect(byModelPerDay.buckets.map((bucket) => [bucket.model, bucket.counters.requests])).toEqual([
    ["gemini-2.5-flash", 1],
    ["gemini-2.5-pro", 0],
  ]);
  expect(byModelPerDay.buckets[0]?.counters.failures).toMatchObject({
    rate_limited: 1,
    server: 1,
    timeout: 1,
  });

  const oneKey = await second.recorder.history({
    from: clock - 2 * HOUR,
    to: clock,
    groupBy: "hour",
    by: "none",
    keyId: "key-bbbbbbbbbb",
    model: "gemini-2.5-pro",
  });
  expect(oneKey.buckets).toHaveLength(1);
  expect(oneKey.buckets[0]?.counters.failures.quota).toBe(1);

  // "Today" is the Pacific day (Gemini's quota day): 10:30 and 11:30 in Los Angeles.
  const today = await second.recorder.today();
  expect(today.get("key-aaaaaaaaaa")).toMatchObject({ requests: 1, promptTokens: 100 });
  expect(today.get("key-aaaaaaaaaa")?.failures).toMatchObject({ server: 1, timeout: 1 });
  const availability = await second.recorder.history({
    from: clock - HOUR,
    to: clock,
    groupBy: "hour",
    by: "none",
  });
  expect(availability.availability).toEqual([
    { time: Date.parse("2026-11-30T19:00:00Z"), available: 3, availableAverage: 3, total: 3 },
  ]);
});

test("the request log keeps its newest REQUEST_LOG_MAX_ROWS rows, newest first, paged and filtered", async () => {
  const { recorder } = openStore({ maxRows: 5 });
  for (let index = 0; index < 8; index++) {
    clock += 1000;
    recorder.request(
      entry({
        requestId: `req-${index}`,
        status: index % 3 === 0 ? 429 : 200,
        keyId: index % 2 === 0 ? "key-aaaaaaaaaa" : "key-bbbbbbbbbb",
        error: index % 3 === 0 ? "Rate limit reached" : null,
      }),
    );
  }
  const first = await recorder.requests({ limit: 2 });
  expect(first.rows.map((row) => row.requestId)).toEqual(["req-7", "req-6"]);
  const second = await recorder.requests({ limit: 2, before: first.nextCursor ?? 0 });
  expect(second.rows.map((row) => row.requestId)).toEqual(["req-5", "req-4"]);
  const last = await recorder.requests({ limit: 2, before: second.nextCursor ?? 0 });
  expect(last.rows.map((row) => row.requestId)).toEqual(["req-3"]);
  expect(last.nextCursor).toBeNull();

  const limited = await recorder.requests({ limit: 10, statuses: [{ from: 400, to: 499 }] });
  expect(limited.rows.map((row) => [row.requestId, row.status, row.error])).toEqual([
    ["req-6", 429, "Rate limit reached"],
    ["req-3", 429, "Rate limit reached"],
  ]);
  const oneKey = await recorder.requests({ limit: 10, keyId: "key-bbbbbbbbbb", statuses: [{ exact: 200 }] });
  expect(oneKey.rows.map((row) => row.requestId)).toEqual(["req-7", "req-5"]);
  expect(oneKey.rows[0]).toMatchObject({
    route: "/v1/chat/completions",
    protocol: "openai-chat",
    attempts: 1,
    firstByteMs: 120,
    totalMs: 900,
    tokens: { prompt: 10, completion: 5, reasoning: 2, cached: 0 },
  });
});

test("the live feed hears each row once it is written, with the id the log pages by", async () => {
  const { recorder } = openStore();
  const heard: Array<{ id: number; requestId: string | null }> = [];
  const stop = recorder.onRequest((row) => heard.push({ id: row.id, requestId: row.requestId }));
  recorder.request(entry({ requestId: "req-live" }));
  expect(heard).toEqual([]);
  await recorder.flush();
  const page = await recorder.requests({ limit: 1 });
  expect(heard).toEqual([{ id: page.rows[0]?.id, requestId: "req-live" }]);
  stop();
  recorder.request(entry({ requestId: "req-unheard" }));
  await recorder.flush();
  expect(heard).toHaveLength(1);
});

test("history older than HISTORY_DAYS is pruned; newer history stays", async () => {
  const { recorder } = openStore({ historyDays: 2 });
  recorder.attempt("key-aaaaaaaaaa", "gemini-2.5-flash", "ok");
  await recorder.flush();
  clock += 3 * DAY;
  recorder.attempt("key-aaaaaaaaaa", "gemini-2.5-flash", "ok");
  // The prune runs with a flush once a minute.
  clock += 61_000;
  await recorder.flush();
  const history = await recorder.history({ from: clock - 5 * DAY, to: clock, groupBy: "day", by: "none" });
  expect(history.buckets.map((bucket) => bucket.counters.requests)).toEqual([1]);
  expect(history.buckets[0]?.time).toBeGreaterThan(clock - 2 * DAY - DAY);
  const perKey = await recorder.history({ from: clock - 5 * DAY, to: clock, groupBy: "hour", by: "key" });
  expect(perKey.buckets).toHaveLength(1);
  expect(history.availability.every((bucket) => bucket.time >= clock - 2 * DAY - DAY)).toBe(true);
});

test("a file that is not a database is set aside and a fresh one starts", async () => {
  const { writeFile, readdir } = await import("node:fs/promises");
  await writeFile(
    join(folder, "state.db"),
    "this is not a database, just text that is long enough".repeat(40),
  );
  const lines: string[] = [];
  const { Writable } = await import("node:stream");
  const capture = createLogger({
    level: "warn",
    destination: new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    }),
  });
  const database = openDatabase(join(folder, "state.db"), capture);
  expect(database.prepare("SELECT COUNT(*) AS count FROM request_log").get()).toEqual({ count: 0 });
  database.close();
  expect((await readdir(folder)).some((name) => name.startsWith("state.db.corrupt-"))).toBe(true);
  expect(lines.join("")).toMatch(/database unreadable; set it aside/);
});

test("a slow history store never piles up writes: flushes made while one runs share the next", async () => {
  const database = openDatabase(join(folder, "state.db"), logger);
  const sqlite = new SqliteHistoryStore(database);
  let writes = 0;
  let release: () => void = () => {};
  const stalled = new Promise<void>((resolve) => {
    release = resolve;
  });
  // A store that hangs like Redis retrying through an outage, until released.
  const history = Object.assign(Object.create(sqlite) as SqliteHistoryStore, {
    add: async (...args: Parameters<SqliteHistoryStore["add"]>) => {
      writes += 1;
      await stalled;
      return sqlite.add(...args);
    },
  });
  const recorder = new ActivityRecorder({
    history,
    requestLog: new SqliteRequestLog(database, 1000),
    logger,
    now: () => clock,
    historyDays: 30,
    availability: () => ({ available: 3, total: 3 }),
    flushIntervalMs: 60_000,
  });
  open.push({ recorder, database });

  recorder.attempt("key-aaaaaaaaaa", "gemini-2.5-flash", "ok");
  const first = recorder.flush();
  while (writes === 0) await new Promise((resolve) => setImmediate(resolve));
  const later = Array.from({ length: 30 }, () => {
    recorder.attempt("key-aaaaaaaaaa", "gemini-2.5-flash", "ok");
    return recorder.flush();
  });
  release();
  await Promise.all([first, ...later]);
  expect(writes).toBe(2);
  const today = await recorder.today();
  expect(today.get("key-aaaaaaaaaa")?.requests).toBe(31);
});
