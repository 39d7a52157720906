import { keyIdOf } from "./key-identity.js";

/** A label: letters (any script), digits, `.`, `_` and `-`, at most 64 characters. */
export const LABEL_PATTERN = /^[\p{L}\p{N}._-]{1,64}$/u;

export function labelProblem(label: string): string | undefined {
  return LABEL_PATTERN.test(label)
    ? undefined
    : "a label is 1 to 64 letters, digits, '.', '_' or '-' (no spaces)";
}

/**
 * Each key's optional label: the one its line gives (`label=` in the keys file, an import), unless an
 * operator set another one (or none) at runtime, which wins and is saved with the runtime key set.
 */
export class KeyLabels {
  private readonly configured = new Map<string, string>();
  private overrides = new Map<string, string | null>();

  /** The labels the key lines give (the keys file, `GEMINI_API_KEYS`, keys added at runtime). */
  setConfigured(entries: ReadonlyArray<{ key: string; label?: string }>): void {
    this.configured.clear();
    for (const entry of entries) {
      if (entry.label) this.configured.set(keyIdOf(entry.key), entry.label);
    }
  }

  labelOf(id: string): string | null {
    const override = this.overrides.get(id);
    return override === undefined ? (this.configured.get(id) ?? null) : override;
  }

  /** Sets (or with null, removes) a key's label at runtime; the line's own label no longer applies. */
  set(id: string, label: string | null): void {
    if (label === (this.configured.get(id) ?? null)) this.overrides.delete(id);
    else this.overrides.set(id, label);
  }

  /** Every label some key has, sorted. */
  all(ids: Iterable<string>): string[] {
    const labels = new Set<string>();
    for (const id of ids) {
      const label = this.labelOf(id);
      if (label) labels.add(label);
    }
    return [...labels].sort((first, second) => first.localeCompare(second));
  }

  exportOverrides(): Record<string, string | null> {
    return Object.fromEntries(this.overrides);
  }

  importOverrides(saved: Readonly<Record<string, string | null>>): void {
    this.overrides = new Map(Object.entries(saved));
  }
}
