import type { Redis } from "ioredis";
import { z } from "zod";
import type { SessionStore, StoredSession } from "./session-store.js";

const PREFIX = "gemini-rotator:console-session:";
const sessionSchema = z.object({ csrf: z.string(), expiresAt: z.number() });

/** Console sessions in Redis, each expiring with its session, so every replica knows them. */
export class RedisSessionStore implements SessionStore {
  constructor(private readonly client: Redis) {}

  async save(idHash: string, session: StoredSession): Promise<void> {
    await this.client.set(PREFIX + idHash, JSON.stringify(session), "PXAT", session.expiresAt);
  }

  async load(idHash: string): Promise<StoredSession | undefined> {
    const text = await this.client.get(PREFIX + idHash);
    if (text === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = sessionSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  async delete(idHash: string): Promise<void> {
    await this.client.del(PREFIX + idHash);
  }
}
