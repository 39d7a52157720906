import { Redis } from "ioredis";
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

const KEY_PREFIX = "gemini-rotator:response:";

/**
 * Stored Responses in Redis, so every replica finds a response whichever one made it: one key per
 * response with a time to live (`ttlMs`), which also bounds Redis's memory. Recent ones are held in
 * memory too, so this replica reads its own at once.
 */
export class RedisResponseStore implements ResponseStore {
  private readonly client: Redis;
  private readonly recent;
  private writes = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS,
  ) {
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.client.on("error", (error: Error) =>
      this.logger.warn({ error: error.message }, "redis connection error (response store)"),
    );
    this.recent = createRecentResponses(limits);
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
    const write = this.client
      .set(KEY_PREFIX + id, text, "PX", this.limits.ttlMs)
      .catch((error: Error) =>
        this.logger.warn({ responseId: id, error: error.message }, "could not store a response in Redis"),
      );
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  async get(id: string): Promise<StoredValue | undefined> {
    if (!isStorableResponseId(id)) return undefined;
    const cached = this.recent.get(id);
    if (cached !== undefined) return parseStoredResponse(cached);
    const text = await this.client.get(KEY_PREFIX + id);
    if (text === null) return undefined;
    this.recent.set(id, text);
    return parseStoredResponse(text);
  }

  async delete(id: string): Promise<boolean> {
    if (!isStorableResponseId(id)) return false;
    await Promise.all(this.writes);
    const cached = this.recent.delete(id);
    const removed = await this.client.del(KEY_PREFIX + id);
    return cached || removed > 0;
  }

  /** Idempotent: quitting a connection twice would open it again. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.writes);
      await this.client.quit().catch(() => this.client.disconnect());
    })();
    return this.closing;
  }
}
