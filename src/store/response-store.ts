import type { Logger } from "../observability/logger.js";
/**
 * Where stored Responses (`store` true or absent) are kept, so `previous_response_id` continues a
 * conversation and `GET /v1/responses/{id}` finds a response: the gateway's database for one process,
 * Redis for replicas. Values are opaque JSON here; the Responses protocol owns their shape.
 */
export interface ResponseStore {
  /**
   * Keeps `value` under `id`, readable at once (a client may send its next turn the moment the last event
   * arrives). Never throws: a value larger than `maxRecordBytes`, or one the store could not write, is
   * not kept, and the log says so.
   */
  put(id: string, value: unknown): void;
  /** The value and its size, or undefined when it was never kept, has expired or was deleted. */
  get(id: string): Promise<StoredValue | undefined>;
  /** Whether there was a value to delete. */
  delete(id: string): Promise<boolean>;
  /** Waits for writes under way and stops background work (at shutdown). */
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
  /** The database removes its oldest responses beyond this (Redis's are bounded by their time to live). */
  maxTotalBytes: number;
}

export const DEFAULT_RESPONSE_STORE_LIMITS: ResponseStoreLimits = Object.freeze({
  ttlMs: 7 * 24 * 3600 * 1000,
  maxRecordBytes: 8 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
});

/** Ids the stores accept: OpenAI's `resp_…` shape. */
const STORABLE_ID = /^resp_[A-Za-z0-9_-]{1,120}$/;

export function isStorableResponseId(id: string): boolean {
  return STORABLE_ID.test(id);
}

/**
 * A response as the stores keep it: its JSON text and size, or undefined (and a warning) when its id is
 * not OpenAI's shape or it is larger than one record may be.
 */
export function storableRecord(
  id: string,
  value: unknown,
  limits: ResponseStoreLimits,
  logger: Logger,
): { text: string; bytes: number } | undefined {
  if (!isStorableResponseId(id)) return undefined;
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxRecordBytes) {
    logger.warn(
      { responseId: id, bytes },
      "response too large to store; previous_response_id will not find it",
    );
    return undefined;
  }
  return { text, bytes };
}

/** A stored value read back; a damaged one (a foreign Redis key, say) reads as absent. */
export function parseStoredResponse(text: string): StoredValue | undefined {
  try {
    return { value: JSON.parse(text), bytes: Buffer.byteLength(text) };
  } catch {
    return undefined;
  }
}
