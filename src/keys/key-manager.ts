import { ConfigError } from "../config.js";
import { keyIdOf, maskKey } from "./key-identity.js";
import { KeyLabels } from "./key-labels.js";
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
  /** Each key's label (from its line, or set at runtime). */
  readonly labels = new KeyLabels();

  constructor(
    private readonly pool: KeyPool,
    private readonly source: { keysFile: string; extraKeys: readonly string[] },
    private readonly onChange: () => void = () => {},
  ) {}

  /** Restores runtime additions and removals saved earlier. */
  restore(saved: {
    addedKeys: KeyEntry[];
    removedKeyIds: string[];
    labels?: Record<string, string | null>;
  }): void {
    this.addedEntries = saved.addedKeys.map((entry) => ({ ...entry }));
    this.labels.importOverrides(saved.labels ?? {});
    this.removedIds.clear();
    for (const id of saved.removedKeyIds) this.removedIds.add(id);
  }

  /** Takes the runtime additions and removals another replica made, and applies them now. */
  applyShared(saved: {
    addedKeys: KeyEntry[];
    removedKeyIds: string[];
    labels?: Record<string, string | null>;
  }): ReloadResult {
    this.restore(saved);
    return this.apply({ announce: false });
  }

  /**
   * Re-reads the file and the environment. Throws `ConfigError`, and keeps every key in use, when the
   * file cannot be read, has a line that is not a key, or would leave no key at all (a file saved empty
   * or half-written must not take the gateway down).
   */
  async reload(): Promise<ReloadResult> {
    const loaded = await loadKeyEntries(this.source.keysFile, this.source.extraKeys).catch((error) => {
      // A missing file is fine when keys were added at runtime.
      if (this.addedEntries.length > 0 && /does not exist/.test((error as Error).message)) return [];
      throw error;
    });
    if (this.pool.size > 0 && this.usableEntries(loaded, this.addedEntries).length === 0) {
      throw new ConfigError(
        `KEYS_FILE (${this.source.keysFile}) and GEMINI_API_KEYS now hold no key; keeping the ${this.pool.size} key(s) in use`,
      );
    }
    this.configuredEntries = loaded;
    return this.apply({ announce: false });
  }

  addKey(entry: KeyEntry): { id: string; key: string; added: boolean } {
    const [result] = this.addKeys([entry]);
    const id = keyIdOf(entry.key);
    return result ?? { id, key: maskKey(entry.key), added: false };
  }

  /** Adds many keys at once (a pasted import): one change of the key set, whatever their number. */
  addKeys(entries: readonly KeyEntry[]): Array<{ id: string; key: string; added: boolean }> {
    const known = new Set(this.addedEntries.map((added) => added.key));
    const results = entries.map((entry) => {
      const id = keyIdOf(entry.key);
      this.removedIds.delete(id);
      const added = !this.pool.has(id);
      if (!known.has(entry.key)) {
        this.addedEntries.push(entry);
        known.add(entry.key);
      }
      return { id, key: maskKey(entry.key), added };
    });
    this.apply({ announce: true });
    return results;
  }

  removeKey(id: string): boolean {
    if (!this.pool.has(id)) return false;
    this.removedIds.add(id);
    this.addedEntries = this.addedEntries.filter((entry) => keyIdOf(entry.key) !== id);
    this.apply({ announce: true });
    return true;
  }

  /** Sets a key's label at runtime (null removes it); false when there is no such key. */
  setLabel(id: string, label: string | null): boolean {
    if (!this.pool.has(id)) return false;
    this.labels.set(id, label);
    this.onChange();
    return true;
  }

  saved(): { addedKeys: KeyEntry[]; removedKeyIds: string[]; labels: Record<string, string | null> } {
    return {
      addedKeys: this.addedEntries.map((entry) => ({ ...entry })),
      removedKeyIds: [...this.removedIds],
      labels: this.labels.exportOverrides(),
    };
  }

  /** The configured and added keys, less the ones removed at runtime. */
  private usableEntries(configured: readonly KeyEntry[], added: readonly KeyEntry[]) {
    return [
      ...configured.map((entry) => ({ ...entry, source: "file" as const })),
      ...added.map((entry) => ({ ...entry, source: "admin" as const })),
    ].filter((entry) => !this.removedIds.has(keyIdOf(entry.key)));
  }

  /** `announce`: the runtime additions or removals changed, so they must be saved and shared. */
  private apply(options: { announce: boolean }): ReloadResult {
    const entries = this.usableEntries(this.configuredEntries, this.addedEntries);
    const { added, removed } = this.pool.setKeys(entries);
    this.labels.setConfigured(entries);
    if (options.announce) this.onChange();
    return { totalKeys: this.pool.size, added: added.length, removed: removed.length };
  }
}
