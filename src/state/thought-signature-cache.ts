/**
 * Gemini 3 thought signatures by tool-call id. Cline 3 and Roo Code drop the `extra_content` that
 * carries them, so the gateway keeps its own copy and re-attaches it when the history comes back.
 * Bounded: the oldest entries go first.
 */
export class ThoughtSignatureCache {
  private readonly entries = new Map<string, string>();
  private readonly capacity: number;
  private readonly onChange: (remembered: ReadonlyArray<readonly [string, string]>) => void;

  /** `onChange` hears every newly remembered pair (to save, or to share with other replicas). */
  constructor(
    options: {
      capacity?: number;
      onChange?: (remembered: ReadonlyArray<readonly [string, string]>) => void;
    } = {},
  ) {
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
    const remembered = this.store(pairs);
    if (remembered.length > 0) this.onChange(remembered);
  }

  /** Takes signatures saved earlier or learnt by another replica, without announcing them again. */
  import(saved: Readonly<Record<string, string>> | Iterable<readonly [string, string]>): void {
    this.store(
      Symbol.iterator in saved ? (saved as Iterable<readonly [string, string]>) : Object.entries(saved),
    );
  }

  private store(pairs: Iterable<readonly [string, string]>): Array<readonly [string, string]> {
    const stored: Array<readonly [string, string]> = [];
    for (const [id, signature] of pairs) {
      if (typeof id !== "string" || typeof signature !== "string") continue;
      this.entries.delete(id);
      this.entries.set(id, signature);
      stored.push([id, signature]);
    }
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return stored;
  }
}
