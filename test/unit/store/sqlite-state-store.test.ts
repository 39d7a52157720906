/**
 * Key state in the embedded database, on a real file: a change of a key's state is written within a
 * quarter of a second, an ordinary success (counters only) later, and counters a crash did not write
 * come back from the usage history.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { freshMemory, type KeyMemory } from "../../../src/keys/key-pool.js";
import { pacificDay } from "../../../src/keys/pacific-time.js";
import { createLogger } from "../../../src/observability/logger.js";
import { openDatabase } from "../../../src/store/open-database.js";
import { SqliteHistoryStore } from "../../../src/store/sqlite-history.js";
import { SqliteStateStore } from "../../../src/store/sqlite-state-store.js";
import { emptyCounters } from "../../../src/store/usage-counters.js";

const logger = createLogger({ level: "error" });
const NOW = Date.parse("2026-11-30T18:30:00Z");
const HOUR = 3_600_000;

let folder: string;
const databases: DatabaseSync[] = [];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "gemini-rotator-state-"));
});
afterEach(async () => {
  for (const database of databases.splice(0)) if (database.isOpen) database.close();
  await rm(folder, { recursive: true, force: true });
});

function openFile(): DatabaseSync {
  const database = openDatabase(join(folder, "state.db"), logger);
  databases.push(database);
  return database;
}

/** A store attached to a pool of the given memories (what the gateway's key pool would hand over). */
async function storeOver(database: DatabaseSync, memories: Map<string, KeyMemory>) {
  const store = new SqliteStateStore(database, logger, undefined, () => NOW);
  await store.load();
  await store.attach({
    memoryJsonOf: (id) => (memories.has(id) ? JSON.stringify(memories.get(id)) : undefined),
    keyIds: () => [...memories.keys()],
    keySet: () => ({ addedKeys: [], removedKeyIds: [] }),
  });
  return store;
}

function savedIds(database: DatabaseSync): string[] {
  return database
    .prepare("SELECT key_id FROM key_memory ORDER BY key_id")
    .all()
    .map((row) => String(row.key_id));
}

function used(requests: number, promptTokens = 0, completionTokens = 0): KeyMemory {
  const memory = freshMemory(NOW);
  memory.lastUsed = NOW;
  memory.usage = { ...memory.usage, requests, promptTokens, completionTokens };
  return memory;
}

test("a change of state is written within a quarter second; counters alone wait for a later write", async () => {
  const database = openFile();
  const resting = used(1);
  resting.cooldowns["gemini-2.5-flash"] = {
    until: NOW + 60_000,
    reason: "per-minute quota",
    kind: "rate_limited",
  };
  const memories = new Map([
    ["key-resting", resting],
    ["key-counted", used(7)],
  ]);
  const store = await storeOver(database, memories);

  store.keyChanged("key-resting", "state");
  store.keyChanged("key-counted", "counters");
  await sleep(600);
  expect(savedIds(database)).toEqual(["key-resting"]);

  // A flush (shutdown, or the slow timer) writes the counters too.
  await store.flush();
  expect(savedIds(database)).toEqual(["key-counted", "key-resting"]);
  await store.close();
});

test("counters a crash did not write come back from the usage history; counters already ahead stay", async () => {
  const first = openFile();
  const store = await storeOver(
    first,
    new Map([
      ["key-behind", used(2, 20, 10)],
      ["key-ahead", used(9, 90, 45)],
    ]),
  );
  store.keyChanged(undefined);
  await store.flush();
  // The history (flushed every second) saw more of key-behind than its row holds, and a key with no row at all.
  const day = pacificDay(NOW);
  const counters = (requests: number, promptTokens: number, completionTokens: number) => ({
    ...emptyCounters(),
    requests,
    promptTokens,
    completionTokens,
  });
  await new SqliteHistoryStore(first).add(
    [
      {
        hour: Math.floor(NOW / HOUR),
        day,
        keyId: "key-behind",
        model: "gemini-2.5-flash",
        counters: counters(5, 50, 25),
      },
      {
        hour: Math.floor(NOW / HOUR),
        day,
        keyId: "key-ahead",
        model: "gemini-2.5-flash",
        counters: counters(4, 40, 20),
      },
      {
        hour: Math.floor(NOW / HOUR),
        day,
        keyId: "key-unsaved",
        model: "gemini-2.5-flash",
        counters: counters(3, 30, 15),
      },
    ],
    [],
  );
  first.close();

  const loaded = await new SqliteStateStore(openFile(), logger, undefined, () => NOW).load();
  const usage = (id: string) => loaded?.keys[id]?.usage;
  expect(usage("key-behind")).toEqual({ day, requests: 5, promptTokens: 50, completionTokens: 25 });
  expect(usage("key-ahead")).toEqual({ day, requests: 9, promptTokens: 90, completionTokens: 45 });
  expect(usage("key-unsaved")).toEqual({ day, requests: 3, promptTokens: 30, completionTokens: 15 });
});
