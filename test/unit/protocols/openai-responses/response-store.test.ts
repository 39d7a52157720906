/**
 * The two response stores, on a real database file and a real redis-server: what is put is read back
 * (at once, after a restart, or by another replica), and nothing outlives its time or its size.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { Redis } from "ioredis";
import { createLogger } from "../../../../src/observability/logger.js";
import { openDatabase } from "../../../../src/store/open-database.js";
import { RedisResponseStore } from "../../../../src/store/redis-response-store.js";
import {
  DEFAULT_RESPONSE_STORE_LIMITS,
  type ResponseStore,
  type ResponseStoreLimits,
} from "../../../../src/store/response-store.js";
import { SqliteResponseStore } from "../../../../src/store/sqlite-response-store.js";
import { eventually } from "../../../support/poll.js";
import { describeWithRedis, type RunningRedis, startRedis } from "../../../support/redis-server.js";

const logLines: string[] = [];
const logger = createLogger({ level: "warn", destination: { write: (line: string) => logLines.push(line) } });

const record = (text: string) => ({ response: { id: "x", output: [{ type: "message", text }] }, input: [] });
const storedValueOf = async (store: ResponseStore, id: string) => (await store.get(id))?.value;

describe("the database response store", () => {
  let folder: string;
  let path: string;
  const databases: DatabaseSync[] = [];
  const stores: ResponseStore[] = [];
  const open = (
    limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS,
    now: () => number = Date.now,
  ) => {
    const database = openDatabase(path, logger);
    databases.push(database);
    const store = new SqliteResponseStore(database, logger, limits, now);
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), "responses-store-"));
    path = join(folder, "state.db");
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    for (const database of databases.splice(0)) database.close();
    await rm(folder, { recursive: true, force: true });
  });

  test("a response put is readable at once, and after a restart", async () => {
    const store = open();
    store.put("resp_a1", record("hello"));
    await expect(storedValueOf(store, "resp_a1")).resolves.toEqual(record("hello"));
    await store.close();
    databases.pop()?.close();
    await expect(storedValueOf(open(), "resp_a1")).resolves.toEqual(record("hello"));
  });

  test("unknown and malformed ids read as absent; a deleted response is gone", async () => {
    const store = open();
    await expect(store.get("resp_missing")).resolves.toBeUndefined();
    await expect(store.get("../secret")).resolves.toBeUndefined();
    store.put("not-a-response-id", record("no"));
    await expect(store.get("not-a-response-id")).resolves.toBeUndefined();
    store.put("resp_b1", record("bye"));
    await expect(store.delete("resp_b1")).resolves.toBe(true);
    await expect(store.get("resp_b1")).resolves.toBeUndefined();
    await expect(store.delete("resp_b1")).resolves.toBe(false);
  });

  test("a response older than the time to live is gone; start-up removes such rows", async () => {
    let clock = 1_000_000;
    const limits = { ...DEFAULT_RESPONSE_STORE_LIMITS, ttlMs: 60_000 };
    const store = open(limits, () => clock);
    store.put("resp_old", record("old"));
    store.put("resp_older", record("older"));
    clock += 61_000;
    await expect(store.get("resp_old")).resolves.toBeUndefined();
    const database = databases[0];
    expect(database?.prepare("SELECT id FROM responses").all()).toEqual([{ id: "resp_older" }]);
    open(limits, () => clock);
    expect(database?.prepare("SELECT id FROM responses").all()).toEqual([]);
  });

  test("beyond the total size the oldest responses go first; a response too large is not kept", async () => {
    let clock = 0;
    const limits = { ...DEFAULT_RESPONSE_STORE_LIMITS, maxTotalBytes: 300, maxRecordBytes: 200 };
    const store = open(limits, () => ++clock);
    for (const id of ["resp_1", "resp_2", "resp_3", "resp_4"]) store.put(id, record(id.padEnd(40, ".")));
    store.put("resp_huge", record("x".repeat(500)));
    const kept = databases[0]?.prepare("SELECT id FROM responses ORDER BY id").all();
    expect(kept).toEqual([{ id: "resp_3" }, { id: "resp_4" }]);
    expect(logLines.some((line) => line.includes("resp_huge") && line.includes("too large"))).toBe(true);
  });
});

describeWithRedis("the Redis response store", () => {
  let redis: RunningRedis;
  const connections: Redis[] = [];
  const stores: ResponseStore[] = [];
  /** A replica: its own connection, as each gateway has its shared one. */
  const open = (limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS) => {
    const connection = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    connections.push(connection);
    const store = new RedisResponseStore(connection, logger, limits);
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(connections.splice(0).map((connection) => connection.quit()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("a response one replica puts, another reads; a delete is seen by both", async () => {
    const replicaA = open();
    const replicaB = open();
    replicaA.put("resp_shared", record("for everyone"));
    await expect(storedValueOf(replicaA, "resp_shared")).resolves.toEqual(record("for everyone"));
    await expect(storedValueOf(replicaB, "resp_shared")).resolves.toEqual(record("for everyone"));
    await expect(replicaB.delete("resp_shared")).resolves.toBe(true);
    await expect(replicaA.get("resp_shared")).resolves.toBeUndefined();
  });

  test("Redis forgets a response after its time to live", async () => {
    const store = open({ ...DEFAULT_RESPONSE_STORE_LIMITS, ttlMs: 300 });
    store.put("resp_short", record("brief"));
    await expect(storedValueOf(store, "resp_short")).resolves.toEqual(record("brief"));
    await eventually(async () => expect(await store.get("resp_short")).toBeUndefined(), {
      timeoutMs: 10_000,
    });
  });
});
