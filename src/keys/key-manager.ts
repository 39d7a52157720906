import { keyIdOf, maskKey } from "./key-identity.js";
import type { KeyPool } from "./key-pool.js";
import { type KeyEntry, loadKeyEntries } from "./load-keys.js";

export interface ReloadResult {
  totalKeys: number;
  added: number;
  removed: number;
}

/**
 * Where keys come from: `KEYS_FILE` and `GEMINI_API_KEYS`, plus keys added at runtime, minus keys
 * removed at runtime (those stay removed even when the file still lists them, until added again).
 */
export class KeyManager {
  private configuredEntries: KeyEntry[] = [];
  private addedEntries: KeyEntry[] = [];
  private readonly removedIds = new Set<string>();

  constructor(
    private readonly pool: KeyPool,
    private readonly source: { keysFile: string; extraKeys: readonly string[] },
    private readonly onChange: () => void = () => {},
  ) {}

  /** Restores runtime additions and removals saved earlier. */
  restore(saved: { addedKeys: KeyEntry[]; removedKeyIds: string[] }): void {
    this.addedEntries = saved.addedKeys.map((entry) => ({ ...entry }));
    this.removedIds.clear();
    for (const id of saved.removedKeyIds) this.removedIds.add(id);
  }

  /** Takes the runtime additions and removals another replica made, and applies them now. */
  applyShared(saved: { addedKeys: KeyEntry[]; removedKeyIds: string[] }): ReloadResult {
    this.restore(saved);
    return this.apply({ announce: false });
  }

  /** Re-reads the file and the environment; throws `ConfigError` when the file cannot be read. */
  async reload(): Promise<ReloadResult> {
    this.configuredEntries = await loadKeyEntries(this.source.keysFile, this.source.extraKeys).catch(
      (error) => {
        // A missing file is fine when keys were added at runtime.
        if (this.addedEntries.length > 0 && /does not exist/.test((error as Error).message)) return [];
        throw error;
      },
    );
    return this.apply({ announce: false });
  }

  addKey(entry: KeyEntry): { id: string; key: string; added: boolean } {
    const id = keyIdOf(entry.key);
    this.removedIds.delete(id);
    const known = this.pool.has(id);
    if (!this.addedEntries.some((added) => added.key === entry.key)) this.addedEntries.push(entry);
    this.apply({ announce: true });
    return { id, key: maskKey(entry.key), added: !known };
  }

  removeKey(id: string): boolean {
    if (!this.pool.has(id)) return false;
    this.removedIds.add(id);
    this.addedEntries = this.addedEntries.filter((entry) => keyIdOf(entry.key) !== id);
    this.apply({ announce: true });
    return true;
  }

  saved(): { addedKeys: KeyEntry[]; removedKeyIds: string[] } {
    return {
      addedKeys: this.addedEntries.map((entry) => ({ ...entry })),
      removedKeyIds: [...this.removedIds],
    };
  }

  /** `announce`: the runtime additions or removals changed, so they must be saved and shared. */
  private apply(options: { announce: boolean }): ReloadResult {
    const entries = [
      ...this.configuredEntries.map((entry) => ({ ...entry, source: "file" as const })),
      ...this.addedEntries.map((entry) => ({ ...entry, source: "admin" as const })),
    ].filter((entry) => !this.removedIds.has(keyIdOf(entry.key)));
    const { added, removed } = this.pool.setKeys(entries);
    if (options.announce) this.onChange();
    return { totalKeys: this.pool.size, added: added.length, removed: removed.length };
  }
}
