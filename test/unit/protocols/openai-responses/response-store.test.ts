/**
 * The two response stores, on a real folder and a real redis-server: what is put is read back (at once,
 * by a fresh store after a restart, or by another replica), and nothing outlives its time or its size.
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../../../src/observability/logger.js";
import { FileResponseStore } from "../../../../src/state/file-response-store.js";
import { RedisResponseStore } from "../../../../src/state/redis-response-store.js";
import {
  DEFAULT_RESPONSE_STORE_LIMITS,
  type ResponseStore,
  type ResponseStoreLimits,
} from "../../../../src/state/response-store.js";
import { eventually } from "../../../support/poll.js";
import { hasRedisServer, type RunningRedis, startRedis } from "../../../support/redis-server.js";

const logLines: string[] = [];
const logger = createLogger({ level: "warn", destination: { write: (line: string) => logLines.push(line) } });

const record = (text: string) => ({ response: { id: "x", output: [{ type: "message", text }] }, input: [] });

describe("the file response store", () => {
  let folder: string;
  const stores: ResponseStore[] = [];
  const open = (
    limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS,
    now: () => number = Date.now,
  ) => {
    const store = new FileResponseStore(folder, logger, limits, now);
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), "responses-store-"));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await rm(folder, { recursive: true, force: true });
  });

  test("a response put is readable at once, and by a new store after a restart", async () => {
    const store = open();
    store.put("resp_a1", record("hello"));
    await expect(store.get("resp_a1").then((stored) => stored?.value)).resolves.toEqual(record("hello"));
    await store.close();
    expect(await readdir(folder)).toEqual(["resp_a1.json"]);
    await expect(
      open()
        .get("resp_a1")
        .then((stored) => stored?.value),
    ).resolves.toEqual(record("hello"));
  });

  test("a response too large for memory is read from its file, even while the file is still being written", async () => {
    const store = open({ ...DEFAULT_RESPONSE_STORE_LIMITS, memoryBytes: 1 });
    store.put("resp_w1", record("written"));
    await expect(store.get("resp_w1").then((stored) => stored?.value)).resolves.toEqual(record("written"));
  });

  test("unknown ids, ids that could name another file, and deleted responses read as absent", async () => {
    const store = open();
    await writeFile(join(folder, "secret.json"), "{}");
    await expect(store.get("resp_missing")).resolves.toBeUndefined();
    await expect(store.get("../secret")).resolves.toBeUndefined();
    store.put("../../etc/x", record("no"));
    store.put("resp_b1", record("bye"));
    await expect(store.delete("resp_b1")).resolves.toBe(true);
    await expect(store.get("resp_b1")).resolves.toBeUndefined();
    await expect(store.delete("resp_b1")).resolves.toBe(false);
    await store.close();
    expect((await readdir(folder)).sort()).toEqual(["secret.json"]);
  });

  test("a response older than the time to live is gone, from memory and from disk", async () => {
    let clock = 1_000_000;
    const limits = { ...DEFAULT_RESPONSE_STORE_LIMITS, ttlMs: 60_000, memoryBytes: 1 };
    const store = open(limits, () => clock);
    store.put("resp_old", record("old"));
    await store.close();
    clock += 61_000;
    const later = open(limits, () => clock);
    await expect(later.get("resp_old")).resolves.toBeUndefined();
    expect(await readdir(folder)).toEqual([]);
  });

  test("beyond the total size the oldest responses go first; a response too large is not kept", async () => {
    let clock = 0;
    const limits = { ...DEFAULT_RESPONSE_STORE_LIMITS, maxTotalBytes: 300, maxRecordBytes: 200 };
    const store = open(limits, () => ++clock);
    for (const id of ["resp_1", "resp_2", "resp_3", "resp_4"]) store.put(id, record(id.padEnd(40, ".")));
    store.put("resp_huge", record("x".repeat(500)));
    await store.close();
    const kept = (await readdir(folder)).sort();
    expect(kept).toEqual(["resp_3.json", "resp_4.json"]);
    expect(logLines.some((line) => line.includes("resp_huge") && line.includes("too large"))).toBe(true);
  });

  test("a damaged file reads as absent", async () => {
    const store = open();
    store.put("resp_c1", record("fine"));
    await store.close();
    await writeFile(join(folder, "resp_c1.json"), '{"cut');
    await expect(open().get("resp_c1")).resolves.toBeUndefined();
  });
});

const redisInstalled = hasRedisServer();
if (!redisInstalled) {
  console.warn(
    "redis-server is not installed: the Redis response store tests cannot run (bash scripts/install-test-servers.sh)",
  );
}

(redisInstalled ? describe : describe.skip)("the Redis response store", () => {
  let redis: RunningRedis;
  const stores: ResponseStore[] = [];
  const open = (limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS) => {
    const store = new RedisResponseStore(redis.url, logger, limits);
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("a response one replica puts, another reads; a delete is seen by both", async () => {
    const replicaA = open();
    const replicaB = open();
    replicaA.put("resp_shared", record("for everyone"));
    await expect(replicaA.get("resp_shared").then((stored) => stored?.value)).resolves.toEqual(
      record("for everyone"),
    );
    await eventually(async () =>
      expect((await replicaB.get("resp_shared"))?.value).toEqual(record("for everyone")),
    );
    await expect(replicaB.delete("resp_shared")).resolves.toBe(true);
    await expect(open().get("resp_shared")).resolves.toBeUndefined();
  });

  test("Redis forgets a response after its time to live", async () => {
    const writer = open({ ...DEFAULT_RESPONSE_STORE_LIMITS, ttlMs: 300 });
    // A reader that keeps nothing in memory reads Redis every time.
    const reader = open({ ...DEFAULT_RESPONSE_STORE_LIMITS, memoryBytes: 1 });
    writer.put("resp_short", record("brief"));
    await writer.close();
    await eventually(async () => expect(await reader.get("resp_short")).toBeUndefined(), {
      timeoutMs: 10_000,
    });
  });
});
