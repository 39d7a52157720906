import type { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import type { ClientToken } from "./client-token.js";
import { type ClientTokenStore, parseStoredToken, serializeToken } from "./client-token-store.js";

const HASH = "gemini-rotator:client-tokens";
const CHANNEL = "gemini-rotator:client-tokens:changes";

/**
 * Tokens shared by every replica: one Redis hash (field: name, value: the JSON record), and a channel
 * on which a replica says it changed one, so the others read the hash again at once (a revocation
 * holds everywhere within moments).
 */
export class RedisClientTokenStore implements ClientTokenStore {
  private subscriber: Redis | undefined;

  constructor(
    private readonly client: Redis,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<ClientToken[]> {
    const fields = await this.client.hgetall(HASH);
    return Object.values(fields).flatMap((text) => {
      const token = parseStoredToken(text);
      return token ? [token] : [];
    });
  }

  async save(token: ClientToken): Promise<void> {
    await this.client.hset(HASH, token.name, serializeToken(token));
    await this.client.publish(CHANNEL, token.name);
  }

  async remove(name: string): Promise<void> {
    await this.client.hdel(HASH, name);
    await this.client.publish(CHANNEL, name);
  }

  async watch(changed: () => void): Promise<void> {
    // A connection in subscriber mode can do nothing else, hence a second one.
    const subscriber = this.client.duplicate();
    this.subscriber = subscriber;
    subscriber.on("error", (error: Error) =>
      this.logger.warn({ error: error.message }, "redis connection error (client tokens)"),
    );
    subscriber.on("message", () => changed());
    await subscriber.subscribe(CHANNEL);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
