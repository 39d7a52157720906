import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Logger } from "../observability/logger.js";
import { inTransaction } from "./open-database.js";
import {
  DEFAULT_RESPONSE_STORE_LIMITS,
  isStorableResponseId,
  parseStoredResponse,
  type ResponseStore,
  type ResponseStoreLimits,
  type StoredValue,
  storableRecord,
} from "./response-store.js";

/** How often expired responses are removed while the gateway runs. */
const PRUNE_INTERVAL_MS = 3600 * 1000;

/**
 * Stored Responses in the gateway's database (the `responses` table). A write is a single row, done at
 * once, so the next turn finds it. Responses older than `ttlMs` are removed at start-up and hourly;
 * beyond `maxTotalBytes` the oldest go first.
 */
export class SqliteResponseStore implements ResponseStore {
  private readonly upsert: StatementSync;
  private readonly select: StatementSync;
  private readonly remove: StatementSync;
  private readonly expire: StatementSync;
  private readonly oldestFirst: StatementSync;
  private readonly total: StatementSync;
  private totalBytes: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly database: DatabaseSync,
    private readonly logger: Logger,
    private readonly limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.upsert = database.prepare(
      "INSERT OR REPLACE INTO responses (id, saved_at, bytes, value) VALUES (?, ?, ?, ?)",
    );
    this.select = database.prepare("SELECT value, saved_at FROM responses WHERE id = ?");
    this.remove = database.prepare("DELETE FROM responses WHERE id = ?");
    this.expire = database.prepare("DELETE FROM responses WHERE saved_at < ?");
    this.oldestFirst = database.prepare("SELECT id, bytes FROM responses ORDER BY saved_at");
    this.total = database.prepare("SELECT COALESCE(SUM(bytes), 0) AS bytes FROM responses");
    this.totalBytes = this.storedBytes();
    this.prune();
    this.timer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  put(id: string, value: unknown): void {
    const record = storableRecord(id, value, this.limits, this.logger);
    if (record === undefined) return;
    const { text, bytes } = record;
    try {
      this.upsert.run(id, this.now(), bytes, text);
    } catch (error) {
      this.logger.warn({ responseId: id, error: (error as Error).message }, "could not store a response");
      return;
    }
    this.totalBytes += bytes;
    if (this.totalBytes > this.limits.maxTotalBytes) this.prune();
  }

  async get(id: string): Promise<StoredValue | undefined> {
    if (!isStorableResponseId(id)) return undefined;
    const row = this.select.get(id);
    if (row === undefined) return undefined;
    if (this.now() - Number(row.saved_at) > this.limits.ttlMs) {
      this.remove.run(id);
      return undefined;
    }
    return parseStoredResponse(String(row.value));
  }

  async delete(id: string): Promise<boolean> {
    if (!isStorableResponseId(id)) return false;
    return Number(this.remove.run(id).changes) > 0;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  /** Removes expired responses, then the oldest while the table holds more than `maxTotalBytes`. */
  private prune(): void {
    try {
      this.expire.run(this.now() - this.limits.ttlMs);
      this.totalBytes = this.storedBytes();
      if (this.totalBytes <= this.limits.maxTotalBytes) return;
      const oldest: string[] = [];
      let freed = 0;
      for (const row of this.oldestFirst.iterate()) {
        oldest.push(String(row.id));
        freed += Number(row.bytes);
        if (this.totalBytes - freed <= this.limits.maxTotalBytes) break;
      }
      inTransaction(this.database, () => {
        for (const id of oldest) this.remove.run(id);
      });
      this.totalBytes -= freed;
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, "could not remove old stored responses");
    }
  }

  private storedBytes(): number {
    return Number(this.total.get()?.bytes ?? 0);
  }
}
