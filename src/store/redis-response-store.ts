import type { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import {
  DEFAULT_RESPONSE_STORE_LIMITS,
  isStorableResponseId,
  parseStoredResponse,
  type ResponseStore,
  type ResponseStoreLimits,
  type StoredValue,
  storableRecord,
} from "./response-store.js";

const KEY_PREFIX = "gemini-rotator:response:";

/**
 * Stored Responses in Redis, so every replica finds a response whichever one made it: one key per
 * response with a time to live (`ttlMs`), which also bounds Redis's memory. Commands on one connection
 * run in order, so a read after a put on this replica sees it.
 */
export class RedisResponseStore implements ResponseStore {
  private readonly writes = new Set<Promise<unknown>>();

  constructor(
    /** The gateway's shared connection; the gateway closes it. */
    private readonly client: Redis,
    private readonly logger: Logger,
    private readonly limits: ResponseStoreLimits = DEFAULT_RESPONSE_STORE_LIMITS,
  ) {}

  put(id: string, value: unknown): void {
    const record = storableRecord(id, value, this.limits, this.logger);
    if (record === undefined) return;
    const { text } = record;
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
    const text = await this.client.get(KEY_PREFIX + id);
    return text === null ? undefined : parseStoredResponse(text);
  }

  async delete(id: string): Promise<boolean> {
    if (!isStorableResponseId(id)) return false;
    return (await this.client.del(KEY_PREFIX + id)) > 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.writes);
  }
}
