import type { Redis } from "ioredis";
import {
  addClientCounters,
  CLIENT_COUNTER_COLUMNS,
  type ClientCounters,
  type ClientUsageEntry,
  type ClientUsageQuery,
  type ClientUsageStore,
  emptyClientCounters,
} from "./client-usage-store.js";

const PREFIX = "gemini-rotator:clients:d:";
const DAY_MS = 86_400_000;
/** Days read at most in one query (a year): days are Redis hashes, read one each. */
const MAX_DAYS = 366;

type Field = keyof ClientCounters;
const FIELDS = new Set<string>(CLIENT_COUNTER_COLUMNS.map(([field]) => field));

/**
 * Client-token usage shared by every replica: one Redis hash per Pacific day, field
 * `<token>\t<model>\t<counter>`, incremented by each replica's flush (HINCRBY, so replicas add up), and
 * expiring `HISTORY_DAYS` after the day.
 */
export class RedisClientUsageStore implements ClientUsageStore {
  constructor(
    private readonly client: Redis,
    private readonly historyDays: number,
  ) {}

  async add(entries: readonly ClientUsageEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.client.pipeline();
    const days = new Set<string>();
    for (const entry of entries) {
      for (const [field] of CLIENT_COUNTER_COLUMNS) {
        const value = entry.counters[field];
        if (value !== 0)
          pipeline.hincrby(PREFIX + entry.day, `${entry.token}\t${entry.model}\t${field}`, value);
      }
      days.add(entry.day);
    }
    for (const day of days) {
      pipeline.pexpireat(PREFIX + day, Date.parse(`${day}T00:00:00Z`) + (this.historyDays + 2) * DAY_MS);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async query(query: ClientUsageQuery): Promise<ClientUsageEntry[]> {
    const days = daysBetween(query.fromDay, query.toDay);
    const pipeline = this.client.pipeline();
    for (const day of days) pipeline.hgetall(PREFIX + day);
    const results = (await pipeline.exec()) ?? [];
    const entries: ClientUsageEntry[] = [];
    days.forEach((day, index) => {
      const fields = results[index]?.[1];
      if (fields === null || typeof fields !== "object") return;
      const byRow = new Map<string, ClientUsageEntry>();
      for (const [name, value] of Object.entries(fields as Record<string, string>)) {
        const [token, model, field] = name.split("\t");
        if (!token || !model || !field || !FIELDS.has(field)) continue;
        if (query.token !== undefined && token !== query.token) continue;
        const id = `${token}\t${model}`;
        let entry = byRow.get(id);
        if (!entry) {
          entry = { day, token, model, counters: emptyClientCounters() };
          byRow.set(id, entry);
        }
        const delta = emptyClientCounters();
        delta[field as Field] = Number(value) || 0;
        addClientCounters(entry.counters, delta);
      }
      entries.push(
        ...[...byRow.values()].sort(
          (first, second) =>
            first.token.localeCompare(second.token) || first.model.localeCompare(second.model),
        ),
      );
    });
    return entries;
  }

  /** Redis forgets each day's hash when it expires. */
  async prune(): Promise<void> {}
}

/** `YYYY-MM-DD` days from `from` to `to` inclusive, at most a year. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let time = Date.parse(`${from}T00:00:00Z`);
    time <= Date.parse(`${to}T00:00:00Z`) && days.length < MAX_DAYS;
    time += DAY_MS
  ) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}
