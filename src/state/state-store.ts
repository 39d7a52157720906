import type { KeyChange, KeyMemory } from "../keys/key-pool.js";
import type { KeySet, PersistedState } from "./persisted-state.js";

export type { KeySet };

/**
 * Where a store reads the gateway's current state from when it saves or shares it: one key at a time,
 * so a change to one key never costs work over the whole pool.
 */
export interface StateSources {
  /** One key's memory as JSON (`KeyMemory`), or undefined when the pool no longer holds the key. */
  memoryJsonOf(id: string): string | undefined;
  keyIds(): string[];
  keySet(): KeySet;
}

/** How a store hands over what other replicas changed (only shared stores call these). */
export interface SharedStateHandlers {
  applyKeyMemory(memories: Record<string, KeyMemory>): void;
  applyKeySet(keySet: KeySet): void;
  applySignatures(pairs: Array<[string, string]>): void;
}

/**
 * Where key state lives: the embedded database for one process (the default), Redis for several
 * replicas.
 * The gateway tells the store what changed; the store decides when and how to write it.
 */
export interface StateStore {
  load(): Promise<PersistedState | undefined>;
  attach(sources: StateSources, handlers: SharedStateHandlers): Promise<void>;
  /**
   * One key's state changed; without an id, many did. `"counters"`: only its usage counters and last
   * use, which a store may write later than a change of state.
   */
  keyChanged(id?: string, change?: KeyChange): void;
  /** Keys were added or removed at runtime. */
  keySetChanged(): void;
  signaturesRemembered(pairs: ReadonlyArray<readonly [string, string]>): void;
  /** Signatures this process does not hold but the store may (another replica learnt them). */
  fetchSignatures(ids: readonly string[]): Promise<Array<[string, string]>>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
