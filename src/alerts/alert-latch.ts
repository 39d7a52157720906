import type { Redis } from "ioredis";

/**
 * Which alert conditions are raised, so each alerts once until it clears, also across replicas (every
 * replica sees the same shared pool and would otherwise send the same alert).
 */
export interface AlertLatch {
  /** Marks the condition raised; true for the one caller that raised it (that one sends the alert). */
  raise(id: string, expiresAt?: number): Promise<boolean>;
  /** Marks it cleared; true for the one caller that cleared it (that one sends the recovery). */
  clear(id: string): Promise<boolean>;
}

/** The latch of a single process. */
export class MemoryAlertLatch implements AlertLatch {
  private readonly raised = new Map<string, number>();

  async raise(id: string, expiresAt = Number.POSITIVE_INFINITY): Promise<boolean> {
    const now = Date.now();
    for (const [raisedId, until] of this.raised) if (until <= now) this.raised.delete(raisedId);
    if (this.raised.has(id)) return false;
    this.raised.set(id, expiresAt);
    return true;
  }

  async clear(id: string): Promise<boolean> {
    return this.raised.delete(id);
  }
}

const PREFIX = "gemini-rotator:alert:";

/** The latch shared by replicas: `SET NX` raises, `DEL` clears; whoever changed the key sends. */
export class RedisAlertLatch implements AlertLatch {
  constructor(private readonly client: Redis) {}

  async raise(id: string, expiresAt?: number): Promise<boolean> {
    const key = PREFIX + id;
    const answer =
      expiresAt === undefined
        ? await this.client.set(key, "1", "NX")
        : await this.client.set(key, "1", "PXAT", Math.ceil(expiresAt), "NX");
    return answer === "OK";
  }

  async clear(id: string): Promise<boolean> {
    return (await this.client.del(PREFIX + id)) > 0;
  }
}
