/**
 * Gemini 3 thought signatures by tool-call id. Cline 3 and Roo Code drop the `extra_content` that
 * carries them, so the gateway keeps its own copy and re-attaches it when the history comes back.
 * Bounded: the oldest entries go first.
 */
export class ThoughtSignatureCache {
  private readonly entries = new Map<string, string>();
  private readonly capacity: number;
  private readonly onChange: () => void;

  constructor(options: { capacity?: number; onChange?: () => void } = {}) {
    this.capacity = options.capacity ?? 20_000;
    this.onChange = options.onChange ?? (() => {});
  }

  get size(): number {
    return this.entries.size;
  }

  /** The signatures known for these tool-call ids. */
  lookup(toolCallIds: Iterable<string>): Map<string, string> {
    const found = new Map<string, string>();
    for (const id of toolCallIds) {
      const signature = this.entries.get(id);
      if (signature !== undefined) found.set(id, signature);
    }
    return found;
  }

  remember(pairs: Iterable<readonly [toolCallId: string, signature: string]>): void {
    let changed = false;
    for (const [id, signature] of pairs) {
      this.entries.delete(id);
      this.entries.set(id, signature);
      changed = true;
    }
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    if (changed) this.onChange();
  }

  export(): Record<string, string> {
    return Object.fromEntries(this.entries);
  }

  import(saved: Readonly<Record<string, string>>): void {
    for (const [id, signature] of Object.entries(saved)) {
      if (typeof signature === "string") this.entries.set(id, signature);
    }
  }
}
