/** A day covers the longest rest Google imposes (a daily quota, until midnight Pacific time). */
const KEEP_MS = 24 * 60 * 60_000;
/** Enough for every key of a large pool; the oldest are forgotten first. */
const MAX_KEYS = 10_000;

/**
 * What was known of keys that left the pool, for a while: a keys file saved half-written and then
 * fixed must not bring its keys back as fresh (a spent daily quota shown active, a revoked key tried).
 */
export class RetiredKeyMemory<Memory> {
  private readonly memories = new Map<string, { memory: Memory; until: number }>();

  keep(key: string, memory: Memory, now: number): void {
    this.memories.delete(key);
    this.memories.set(key, { memory, until: now + KEEP_MS });
    for (const [oldest] of this.memories) {
      if (this.memories.size <= MAX_KEYS) break;
      this.memories.delete(oldest);
    }
  }

  /** The memory of a key that comes back, if it left less than a day ago. */
  takeBack(key: string, now: number): Memory | undefined {
    const kept = this.memories.get(key);
    this.memories.delete(key);
    return kept && kept.until > now ? kept.memory : undefined;
  }
}
