import { LRUCache } from "lru-cache";

/**
 * Where stored Responses (`store` true or absent) are kept, so `previous_response_id` continues a
 * conversation and `GET /v1/responses/{id}` finds a response: a folder beside the key-state file for one
 * process, Redis for replicas. Values are opaque JSON here; the Responses protocol owns their shape. A
 * later store (an embedded database) implements the same interface.
 */
export interface ResponseStore {
  /**
   * Keeps `value` under `id`. It is readable in this process at once (a client may send its next turn
   * the moment the last event arrives); writing it to disk or Redis goes on in the background.
   * A value larger than `maxRecordBytes` is not kept (and says so in the log).
   */
  put(id: string, value: unknown): void;
  /** The value and its size, or undefined when it was never kept, has expired or was deleted. */
  get(id: string): Promise<StoredValue | undefined>;
  /** Whether there was a value to delete. */
  delete(id: string): Promise<boolean>;
  /** Waits for background writes (at shutdown) and lets go of connections. */
  close(): Promise<void>;
}

export interface StoredValue {
  value: unknown;
  /** The size of its JSON, so a reader can bound what it loads. */
  bytes: number;
}

export interface ResponseStoreLimits {
  /** How long a response is kept. */
  ttlMs: number;
  /** A larger response (its input holds big images) is not kept. */
  maxRecordBytes: number;
  /** The file store removes its oldest responses beyond this. */
  maxTotalBytes: number;
  /** Recent responses kept in memory, for continuations without a read. */
  memoryBytes: number;
}

export const DEFAULT_RESPONSE_STORE_LIMITS: ResponseStoreLimits = Object.freeze({
  ttlMs: 7 * 24 * 3600 * 1000,
  maxRecordBytes: 8 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  memoryBytes: 32 * 1024 * 1024,
});

/** Ids the stores accept: OpenAI's `resp_…` shape, nothing that could name another file. */
const STORABLE_ID = /^resp_[A-Za-z0-9_-]{1,120}$/;

export function isStorableResponseId(id: string): boolean {
  return STORABLE_ID.test(id);
}

/** Serialized values of recent responses, bounded in bytes and time (`memoryBytes`, `ttlMs`). */
export function createRecentResponses(limits: ResponseStoreLimits): LRUCache<string, string> {
  return new LRUCache<string, string>({
    maxSize: limits.memoryBytes,
    maxEntrySize: Math.min(limits.maxRecordBytes, limits.memoryBytes),
    sizeCalculation: (text) => Math.max(1, Buffer.byteLength(text)),
    ttl: limits.ttlMs,
  });
}

/** A stored value read back; a damaged one (a cut file, a foreign Redis key) reads as absent. */
export function parseStoredResponse(text: string): StoredValue | undefined {
  try {
    return { value: JSON.parse(text), bytes: Buffer.byteLength(text) };
  } catch {
    return undefined;
  }
}
