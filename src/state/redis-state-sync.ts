import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { z } from "zod";
import type { KeyMemory } from "../keys/key-pool.js";
import type { Logger } from "../observability/logger.js";
import { keyMemorySchema, keySetSchema, type PersistedState } from "./persisted-state.js";
import type { SharedStateHandlers, StateSources, StateStore } from "./state-store.js";
import { withTimeout } from "./with-timeout.js";

const PREFIX = "gemini-rotator";
const STATE_HASH = `${PREFIX}:state`;
const CHANNEL = `${PREFIX}:changes`;
const SIGNATURE_PREFIX = `${PREFIX}:signature:`;
/** Signatures matter only while a conversation goes on. */
const SIGNATURE_TTL_SECONDS = 7 * 24 * 3600;
/** Changes to one key within this window go out as one write. */
const FLUSH_DELAY_MS = 25;
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * The longest a request waits for Redis to answer a signature lookup; past it the request goes on
 * without the signatures (Gemini 2.5 does without them, and Gemini 3 gets placeholders).
 */
const SIGNATURE_WAIT_MS = 200;
/** The longest a shutdown waits for Redis to take the last writes. */
const CLOSE_WAIT_MS = 2_000;

const messageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("keys"), origin: z.string(), ids: z.array(z.string()) }),
  z.object({ type: z.literal("key-set"), origin: z.string() }),
  z.object({
    type: z.literal("signatures"),
    origin: z.string(),
    pairs: z.array(z.tuple([z.string(), z.string()])),
  }),
]);

/**
 * Key state shared by every replica through Redis: each key's state in one hash field, runtime key
 * additions and removals in another, thought signatures as keys with a time to live, and a pub/sub
 * channel on which a replica announces what it changed so the others read it at once.
 * Concurrent changes to the same key from two replicas resolve as last-writer-wins.
 */
export class RedisStateSync implements StateStore {
  private readonly origin = randomUUID();
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly pendingKeyIds = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<unknown> = Promise.resolve();
  private sources: StateSources | undefined;
  /** Until start-up has connected, a connection error is the start-up failure, not a log line. */
  private connected = false;
  private lastConnectionError: Error | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
    this.client = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    for (const connection of [this.client, this.subscriber]) {
      connection.on("error", (error: Error) => {
        this.lastConnectionError = error;
        if (this.connected) this.logger.warn({ error: error.message }, "redis connection error");
      });
    }
  }

  /** Connects and reads the shared state; throws one clear message when Redis cannot be reached. */
  async load(): Promise<PersistedState> {
    try {
      await withTimeout(
        Promise.all([this.client.connect(), this.subscriber.connect()]),
        CONNECT_TIMEOUT_MS,
        "it did not answer",
      );
    } catch (error) {
      this.client.disconnect();
      this.subscriber.disconnect();
      const reason = this.lastConnectionError?.message ?? (error as Error).message;
      throw new Error(
        `REDIS_URL (${withoutCredentials(this.url)}) cannot be reached (${reason}): check that Redis is running and the URL is right`,
      );
    }
    this.connected = true;
    const fields = await this.client.hgetall(STATE_HASH);
    const keys: Record<string, KeyMemory> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith("key:")) continue;
      const parsed = keyMemorySchema.safeParse(safeJson(value));
      if (parsed.success) keys[field.slice("key:".length)] = parsed.data;
    }
    const keySet = keySetSchema.safeParse(safeJson(fields["key-set"] ?? "{}"));
    return {
      version: 1,
      keys,
      addedKeys: keySet.success ? keySet.data.addedKeys : [],
      removedKeyIds: keySet.success ? keySet.data.removedKeyIds : [],
      labels: keySet.success ? keySet.data.labels : {},
      thoughtSignatures: {},
    };
  }

  /** Starts sharing this replica's changes and listening to the others'. */
  async attach(sources: StateSources, handlers: SharedStateHandlers): Promise<void> {
    this.sources = sources;
    this.subscriber.on("message", (_channel: string, text: string) => {
      void this.receive(text, handlers).catch((error: Error) =>
        this.logger.warn({ error: error.message }, "could not apply a change from another replica"),
      );
    });
    await this.subscriber.subscribe(CHANNEL);
  }

  /** A key's state changed here (every key's, without an id); share it, coalesced. */
  keyChanged(id?: string): void {
    for (const changed of id === undefined ? (this.sources?.keyIds() ?? []) : [id])
      this.pendingKeyIds.add(changed);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushKeys();
    }, FLUSH_DELAY_MS);
    this.timer.unref();
  }

  keySetChanged(): void {
    const keySet = this.sources?.keySet();
    if (!keySet) return;
    this.enqueue(async () => {
      await this.client.hset(STATE_HASH, "key-set", JSON.stringify(keySet));
      await this.client.publish(CHANNEL, JSON.stringify({ type: "key-set", origin: this.origin }));
    });
  }

  signaturesRemembered(pairs: ReadonlyArray<readonly [string, string]>): void {
    this.enqueue(async () => {
      const pipeline = this.client.pipeline();
      for (const [id, signature] of pairs)
        pipeline.set(SIGNATURE_PREFIX + id, signature, "EX", SIGNATURE_TTL_SECONDS);
      pipeline.publish(CHANNEL, JSON.stringify({ type: "signatures", origin: this.origin, pairs }));
      await pipeline.exec();
    });
  }

  /**
   * Signatures another replica stored before this one started listening. A request waits for them at
   * most SIGNATURE_WAIT_MS, and not at all while Redis is away (ioredis would queue the command until
   * it reconnects).
   */
  async fetchSignatures(ids: readonly string[]): Promise<Array<[string, string]>> {
    if (ids.length === 0) return [];
    if (this.client.status !== "ready")
      throw new Error(`redis is ${this.client.status}; going on without it`);
    const values = await withTimeout(
      this.client.mget(ids.map((id) => SIGNATURE_PREFIX + id)),
      SIGNATURE_WAIT_MS,
      `redis did not answer within ${SIGNATURE_WAIT_MS} ms; going on without it`,
    );
    return ids.flatMap((id, index) => {
      const value = values[index];
      return typeof value === "string" ? [[id, value] as [string, string]] : [];
    });
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flushKeys();
    }
    await this.writing;
  }

  /**
   * Writes what is pending and leaves. While Redis is away nothing can be written, and ioredis would
   * hold the writes until it reconnects: what Redis has not taken within CLOSE_WAIT_MS is given up, so
   * a shutdown never waits on an outage.
   */
  async close(): Promise<void> {
    await withTimeout(
      this.flush(),
      CLOSE_WAIT_MS,
      `redis did not take the last key states within ${CLOSE_WAIT_MS} ms`,
    ).catch((error: Error) => this.logger.warn({ error: error.message }, "key state not shared at shutdown"));
    this.subscriber.disconnect();
    if (this.client.status !== "ready") {
      this.client.disconnect();
      return;
    }
    await withTimeout(this.client.quit(), CLOSE_WAIT_MS, "redis did not answer QUIT").catch(() =>
      this.client.disconnect(),
    );
  }

  private flushKeys(): void {
    const ids = [...this.pendingKeyIds];
    this.pendingKeyIds.clear();
    const memories = ids.flatMap((id) => {
      const memory = this.sources?.memoryJsonOf(id);
      return memory ? [[`key:${id}`, memory] as const] : [];
    });
    if (memories.length === 0) return;
    this.enqueue(async () => {
      await this.client.hset(STATE_HASH, Object.fromEntries(memories));
      await this.client.publish(CHANNEL, JSON.stringify({ type: "keys", origin: this.origin, ids }));
    });
  }

  private enqueue(write: () => Promise<void>): void {
    this.writing = this.writing
      .then(write)
      .catch((error: Error) =>
        this.logger.warn({ error: error.message }, "could not share key state through redis"),
      );
  }

  private async receive(text: string, handlers: SharedStateHandlers): Promise<void> {
    const parsed = messageSchema.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.origin === this.origin) return;
    const message = parsed.data;
    switch (message.type) {
      case "keys": {
        const values = await this.client.hmget(STATE_HASH, ...message.ids.map((id) => `key:${id}`));
        const memories: Record<string, KeyMemory> = {};
        message.ids.forEach((id, index) => {
          const memory = keyMemorySchema.safeParse(safeJson(values[index] ?? "null"));
          if (memory.success) memories[id] = memory.data;
        });
        handlers.applyKeyMemory(memories);
        break;
      }
      case "key-set": {
        const keySet = keySetSchema.safeParse(
          safeJson((await this.client.hget(STATE_HASH, "key-set")) ?? "{}"),
        );
        if (keySet.success) handlers.applyKeySet(keySet.data);
        break;
      }
      case "signatures":
        handlers.applySignatures(message.pairs);
        break;
      default: {
        const unexpected: never = message;
        throw new Error(`unknown message ${JSON.stringify(unexpected)}`);
      }
    }
  }
}

/** The URL as a log line may show it: no user name or password. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return "the URL given";
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
