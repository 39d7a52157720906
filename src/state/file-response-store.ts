import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../observability/logger.js";
import {
  createRecentResponses,
  DEFAULT_RESPONSE_STORE_LIMITS,
  isStorableResponseId,
  parseStoredResponse,
  type ResponseStore,
  type ResponseStoreLimits,
  type StoredValue,
} from "./response-store.js";

/** How often expired files are removed while the gateway runs. */
const PRUNE_INTERVAL_MS = 3600 * 1000;
const SUFFIX = ".json";

interface FileEntry {
  bytes: number;
  savedAt: number;
}

/**
 * Stored Responses as one JSON file each in a folder (`responses/` beside the key-state file, which is
 * rewritten often and stays small). Recent ones are also held in memory. Files older than `ttlMs` are
 * removed hourly and at start-up; beyond `maxTotalBytes` the oldest go first.
 */
export class FileResponseStore implements ResponseStore {
  private readonly recent;
  private readonly files = new Map<string, FileEntry>();
  private totalBytes = 0;
  /** Writes under way, by id: a read of a response just put waits for its file. */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly ready: Promise<void>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly folder: string,
    private readonly logger: Logger,
    private readonly limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.recent = createRecentResponses(limits);
    this.ready = this.scan();
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  put(id: string, value: unknown): void {
    if (!isStorableResponseId(id)) return;
    const text = JSON.stringify(value);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.limits.maxRecordBytes) {
      this.logger.warn(
        { responseId: id, bytes },
        "response too large to store; previous_response_id will not find it",
      );
      return;
    }
    this.recent.set(id, text);
    const write = this.write(id, text, bytes);
    this.writes.set(id, write);
    void write.finally(() => {
      if (this.writes.get(id) === write) this.writes.delete(id);
    });
  }

  async get(id: string): Promise<StoredValue | undefined> {
    if (!isStorableResponseId(id)) return undefined;
    const cached = this.recent.get(id);
    if (cached !== undefined) return parseStoredResponse(cached);
    await this.ready;
    await this.writes.get(id);
    const entry = this.files.get(id);
    if (entry === undefined) return undefined;
    if (this.isExpired(entry)) {
      await this.remove(id);
      return undefined;
    }
    try {
      const text = await readFile(this.pathOf(id), "utf8");
      this.recent.set(id, text);
      return parseStoredResponse(text);
    } catch (error) {
      this.logger.warn({ responseId: id, error: (error as Error).message }, "stored response unreadable");
      return undefined;
    }
  }

  async delete(id: string): Promise<boolean> {
    if (!isStorableResponseId(id)) return false;
    await this.ready;
    await Promise.all(this.writes.values());
    const existed = this.recent.delete(id) || this.files.has(id);
    await this.remove(id);
    return existed;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.ready;
    await Promise.all(this.writes.values());
  }

  private pathOf(id: string): string {
    return join(this.folder, `${id}${SUFFIX}`);
  }

  private isExpired(entry: FileEntry): boolean {
    return this.now() - entry.savedAt > this.limits.ttlMs;
  }

  private async write(id: string, text: string, bytes: number): Promise<void> {
    await this.ready;
    const temporaryPath = `${this.pathOf(id)}.${process.pid}.tmp`;
    const savedAt = this.now();
    try {
      await mkdir(this.folder, { recursive: true });
      await writeFile(temporaryPath, text, { mode: 0o600 });
      // The file's time is the store's clock, which the next start-up reads to expire it.
      await utimes(temporaryPath, savedAt / 1000, savedAt / 1000);
      await rename(temporaryPath, this.pathOf(id));
    } catch (error) {
      this.logger.warn({ responseId: id, error: (error as Error).message }, "could not store a response");
      return;
    }
    this.forget(id);
    this.files.set(id, { bytes, savedAt });
    this.totalBytes += bytes;
    if (this.totalBytes > this.limits.maxTotalBytes) await this.prune();
  }

  /** Learns what an earlier run stored, then removes what has expired. */
  private async scan(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch {
      return;
    }
    for (const name of names) {
      const id = name.slice(0, -SUFFIX.length);
      if (!name.endsWith(SUFFIX) || !isStorableResponseId(id)) continue;
      try {
        const info = await stat(join(this.folder, name));
        this.files.set(id, { bytes: info.size, savedAt: info.mtimeMs });
        this.totalBytes += info.size;
      } catch {
        // Removed meanwhile.
      }
    }
    await this.prune();
  }

  /** Removes expired responses, then the oldest while the folder holds more than `maxTotalBytes`. */
  private async prune(): Promise<void> {
    const byAge = [...this.files].sort(([, left], [, right]) => left.savedAt - right.savedAt);
    for (const [id, entry] of byAge) {
      if (!this.isExpired(entry) && this.totalBytes <= this.limits.maxTotalBytes) break;
      await this.remove(id);
    }
  }

  private async remove(id: string): Promise<void> {
    this.recent.delete(id);
    this.forget(id);
    await rm(this.pathOf(id), { force: true }).catch((error: Error) =>
      this.logger.warn({ responseId: id, error: error.message }, "could not remove a stored response"),
    );
  }

  private forget(id: string): void {
    const entry = this.files.get(id);
    if (entry === undefined) return;
    this.files.delete(id);
    this.totalBytes -= entry.bytes;
  }
}
