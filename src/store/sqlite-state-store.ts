import { rename, stat } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";
import { freshMemory, type KeyChange, type KeyMemory } from "../keys/key-pool.js";
import { pacificDay } from "../keys/pacific-time.js";
import type { Logger } from "../observability/logger.js";
import { readLegacyStateFile } from "../state/legacy-state-file.js";
import { type KeySet, keyMemorySchema, keySetSchema, type PersistedState } from "../state/persisted-state.js";
import type { StateSources, StateStore } from "../state/state-store.js";
import { inTransaction } from "./open-database.js";
import { SqliteHistoryStore } from "./sqlite-history.js";

/** Key state reaches the database this soon after a change (a crash loses no more). */
const SAVE_DELAY_MS = 250;
/**
 * A key whose only change is its counters (an ordinary success) is written this long after, or with
 * the next change of its state: with a large pool nearly every request uses another key, and writing
 * each one's row four times a second cost more than the request. A crash loses nothing of them: the
 * usage history, written every second, holds the same counts, and `load` takes them from there.
 */
const COUNTERS_SAVE_DELAY_MS = 10_000;
/** Thought signatures kept; the oldest go first (as in the in-memory cache). */
const MAX_SIGNATURES = 20_000;

/**
 * Key state in the embedded database: each key's memory in a row, the runtime key set in `meta`, thought
 * signatures in their own table. Changes are gathered and written together shortly after (never on a
 * request's path). On first start a JSON state file of an earlier version is imported and renamed
 * `*.migrated`, so nothing it held is lost.
 */
export class SqliteStateStore implements StateStore {
  private sources: StateSources | undefined;
  private readonly changedKeyIds = new Set<string>();
  /** Keys whose counters alone changed since they were last written. */
  private readonly countedKeyIds = new Set<string>();
  private everyKeyChanged = false;
  private keySetDirty = false;
  private pendingSignatures: Array<readonly [string, string]> = [];
  private timer: NodeJS.Timeout | undefined;
  private countersTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: DatabaseSync,
    private readonly logger: Logger,
    private readonly legacyStateFile: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<PersistedState | undefined> {
    await this.importLegacyFile();
    const memories: Record<string, KeyMemory> = {};
    for (const row of this.database.prepare("SELECT key_id, memory FROM key_memory").all()) {
      const parsed = keyMemorySchema.safeParse(parseJson(String(row.memory)));
      if (parsed.success) memories[String(row.key_id)] = parsed.data;
      else this.logger.warn({ keyId: row.key_id }, "saved state of a key is unreadable; it starts fresh");
    }
    await this.countsFromHistory(memories);
    const keySetRow = this.database.prepare("SELECT value FROM meta WHERE name = 'key-set'").get();
    const keySet = keySetSchema.safeParse(parseJson(String(keySetRow?.value ?? "{}")));
    const signatures: Record<string, string> = {};
    for (const row of this.database
      .prepare("SELECT tool_call_id, signature FROM thought_signatures ORDER BY saved_at")
      .all()) {
      signatures[String(row.tool_call_id)] = String(row.signature);
    }
    if (Object.keys(memories).length === 0 && !keySetRow && Object.keys(signatures).length === 0) {
      return undefined;
    }
    return {
      version: 1,
      keys: memories,
      addedKeys: keySet.success ? keySet.data.addedKeys : [],
      removedKeyIds: keySet.success ? keySet.data.removedKeyIds : [],
      labels: keySet.success ? keySet.data.labels : {},
      thoughtSignatures: signatures,
    };
  }

  async attach(sources: StateSources): Promise<void> {
    this.sources = sources;
  }

  keyChanged(id?: string, change: KeyChange = "state"): void {
    if (id !== undefined && change === "counters") {
      this.countedKeyIds.add(id);
      if (this.countersTimer) return;
      this.countersTimer = setTimeout(() => {
        this.countersTimer = undefined;
        this.saveNow(true);
      }, COUNTERS_SAVE_DELAY_MS);
      this.countersTimer.unref();
      return;
    }
    if (id === undefined) this.everyKeyChanged = true;
    else this.changedKeyIds.add(id);
    this.scheduleSave();
  }

  keySetChanged(): void {
    this.keySetDirty = true;
    // The pool drops the state of removed keys; so does the database.
    this.everyKeyChanged = true;
    this.scheduleSave();
  }

  signaturesRemembered(pairs: ReadonlyArray<readonly [string, string]>): void {
    this.pendingSignatures.push(...pairs);
    if (this.pendingSignatures.length > MAX_SIGNATURES)
      this.pendingSignatures = this.pendingSignatures.slice(-MAX_SIGNATURES);
    this.scheduleSave();
  }

  /** One process loads every saved signature at start; a restarted one finds the rest here. */
  async fetchSignatures(ids: readonly string[]): Promise<Array<[string, string]>> {
    if (ids.length === 0) return [];
    const select = this.database.prepare("SELECT signature FROM thought_signatures WHERE tool_call_id = ?");
    return ids.flatMap((id) => {
      const row = select.get(id);
      return row ? [[id, String(row.signature)] as [string, string]] : [];
    });
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    clearTimeout(this.countersTimer);
    this.timer = undefined;
    this.countersTimer = undefined;
    this.saveNow(true);
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow();
    }, SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes what changed; with `withCounters`, the keys whose counters alone changed too. */
  private saveNow(withCounters = false): void {
    const sources = this.sources;
    if (!sources) return;
    const everyKey = this.everyKeyChanged;
    if (withCounters) {
      for (const id of this.countedKeyIds) this.changedKeyIds.add(id);
      this.countedKeyIds.clear();
    }
    const keyIds = everyKey ? sources.keyIds() : [...this.changedKeyIds];
    // A key written now is written whole: its counters need no later write.
    for (const id of keyIds) this.countedKeyIds.delete(id);
    const keySet = this.keySetDirty ? sources.keySet() : undefined;
    const signatures = this.pendingSignatures;
    this.everyKeyChanged = false;
    this.changedKeyIds.clear();
    this.keySetDirty = false;
    this.pendingSignatures = [];
    if (keyIds.length === 0 && !everyKey && !keySet && signatures.length === 0) return;
    try {
      inTransaction(this.database, () => {
        if (everyKey) this.database.exec("DELETE FROM key_memory");
        const save = this.database.prepare(
          "INSERT INTO key_memory (key_id, memory) VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET memory = excluded.memory",
        );
        for (const id of keyIds) {
          const memory = sources.memoryJsonOf(id);
          if (memory) save.run(id, memory);
        }
        if (keySet) this.saveKeySet(keySet);
        if (signatures.length > 0) this.saveSignatures(signatures);
      });
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, "could not save key state");
    }
  }

  /**
   * Each key's counters for today as the usage history has them, where they are ahead of the saved
   * row (the process stopped before it wrote its counters): requests and tokens count the same
   * successful attempts in both.
   */
  private async countsFromHistory(memories: Record<string, KeyMemory>): Promise<void> {
    const now = this.now();
    const day = pacificDay(now);
    for (const [id, counters] of await new SqliteHistoryStore(this.database).day(day)) {
      const memory = memories[id] ?? freshMemory(now);
      memories[id] = memory;
      if (memory.usage.day !== day) memory.usage = freshMemory(now).usage;
      memory.usage.requests = Math.max(memory.usage.requests, counters.requests);
      memory.usage.promptTokens = Math.max(memory.usage.promptTokens, counters.promptTokens);
      memory.usage.completionTokens = Math.max(memory.usage.completionTokens, counters.completionTokens);
    }
  }

  private saveKeySet(keySet: KeySet): void {
    this.database
      .prepare(
        "INSERT INTO meta (name, value) VALUES ('key-set', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      )
      .run(JSON.stringify(keySet));
  }

  private saveSignatures(pairs: ReadonlyArray<readonly [string, string]>): void {
    const now = Date.now();
    const save = this.database.prepare(
      "INSERT OR REPLACE INTO thought_signatures (tool_call_id, signature, saved_at) VALUES (?, ?, ?)",
    );
    for (const [id, signature] of pairs) save.run(id, signature, now);
    this.database
      .prepare(
        `DELETE FROM thought_signatures WHERE tool_call_id IN (SELECT tool_call_id FROM thought_signatures
         ORDER BY saved_at DESC LIMIT -1 OFFSET ${MAX_SIGNATURES})`,
      )
      .run();
  }

  /**
   * A state file from before the database: its key memories, runtime key additions and removals and
   * thought signatures are written into the database, then the file is renamed `*.migrated`.
   */
  private async importLegacyFile(): Promise<void> {
    const path = this.legacyStateFile;
    if (!path || !(await stat(path).catch(() => undefined))) return;
    // Imported once: a file that could not be renamed afterwards never overwrites newer state.
    if (this.database.prepare("SELECT 1 FROM meta WHERE name = 'imported-state-file'").get()) return;
    const saved = await readLegacyStateFile(path, this.logger);
    if (!saved) return;
    inTransaction(this.database, () => {
      const save = this.database.prepare(
        "INSERT INTO key_memory (key_id, memory) VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET memory = excluded.memory",
      );
      for (const [id, memory] of Object.entries(saved.keys)) save.run(id, JSON.stringify(memory));
      this.saveKeySet({ addedKeys: saved.addedKeys, removedKeyIds: saved.removedKeyIds });
      this.saveSignatures(Object.entries(saved.thoughtSignatures));
      this.database
        .prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('imported-state-file', ?)")
        .run(JSON.stringify({ path, at: new Date().toISOString() }));
    });
    const migratedPath = `${path}.migrated`;
    await rename(path, migratedPath);
    this.logger.info(
      { from: path, keys: Object.keys(saved.keys).length, movedTo: migratedPath },
      "imported the JSON state file into the database",
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
