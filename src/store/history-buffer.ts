import { pacificDay } from "../keys/pacific-time.js";
import { emptyCounters, type UsageCounters } from "./usage-counters.js";

export const HOUR_MS = 3_600_000;

/** What one key did for one model in one hour, as it is added to the history. */
export interface HistoryEntry {
  /** Hours since the epoch (UTC). */
  hour: number;
  /** The Pacific day the hour belongs to (Gemini's daily quotas count against it). */
  day: string;
  keyId: string;
  model: string;
  counters: UsageCounters;
}

/**
 * Usage history gathered in memory between two flushes: one entry per hour, key and model, whatever
 * the number of requests. Its size is bounded by the keys and the (bounded) model labels in use.
 */
export class HistoryBuffer {
  private entries = new Map<string, HistoryEntry>();

  get size(): number {
    return this.entries.size;
  }

  /** Changes the counters of (the hour of `at`, key, model). */
  add(at: number, keyId: string, model: string, change: (counters: UsageCounters) => void): void {
    const hour = Math.floor(at / HOUR_MS);
    const id = `${hour}\n${keyId}\n${model}`;
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { hour, day: pacificDay(at), keyId, model, counters: emptyCounters() };
      this.entries.set(id, entry);
    }
    change(entry.counters);
  }

  /** Everything gathered so far; the buffer starts empty again. */
  drain(): HistoryEntry[] {
    const drained = [...this.entries.values()];
    this.entries = new Map();
    return drained;
  }
}
