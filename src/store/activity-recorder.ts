import { pacificDay } from "../keys/pacific-time.js";
import type { Logger } from "../observability/logger.js";
import type { UpstreamOutcome } from "../observability/metrics.js";
import type { RequestFacts } from "../observability/request-context.js";
import { HistoryBuffer, type HistoryEntry } from "./history-buffer.js";
import type { AvailabilitySample, HistoryAnswer, HistoryQuery, HistoryStore } from "./history-store.js";
import type { RequestLogEntry, RequestLogPage, RequestLogQuery, RequestLogRow } from "./request-log.js";
import type { SqliteRequestLog } from "./sqlite-request-log.js";
import { addCounters, failureKindOf, type UsageCounters } from "./usage-counters.js";

export interface ActivityRecorderOptions {
  history: HistoryStore;
  requestLog: SqliteRequestLog;
  logger: Logger;
  now: () => number;
  /** Usage history older than this many days is pruned. */
  historyDays: number;
  /** How many keys are available now, sampled for the availability chart. */
  availability: () => { available: number; total: number };
  /** At most this long between a request's end and its rows in the database (a crash loses no more). */
  flushIntervalMs?: number;
}

export type RequestListener = (row: RequestLogRow) => void;

const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
const PRUNE_INTERVAL_MS = 60_000;
const DAY_MS = 24 * 3_600_000;
/** Log rows kept in memory while the database refuses them (a full disk); beyond it the oldest go. */
const MAX_PENDING_LOG_ROWS = 10_000;

/**
 * Gathers usage history and request-log rows in memory and writes them in one batch every
 * `flushIntervalMs` (one second): nothing a request does waits on the database, and a crash loses at
 * most the last second. Reads flush first, so an answer includes everything recorded before it.
 */
export class ActivityRecorder {
  private buffer = new HistoryBuffer();
  private pendingRows: RequestLogEntry[] = [];
  private pendingSamples: AvailabilitySample[] = [];
  private currentSample: AvailabilitySample | undefined;
  private readonly listeners = new Set<RequestListener>();
  private flushing: Promise<void> = Promise.resolve();
  /** The flush that starts when the running one ends, shared by every call made meanwhile. */
  private nextFlush: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private lastPruneAt = 0;
  private closed = false;

  constructor(private readonly options: ActivityRecorderOptions) {
    this.timer = setInterval(() => {
      void this.flush();
    }, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** One upstream attempt ended: a request served by the key, or a failure of some kind. */
  attempt(keyId: string, model: string, outcome: UpstreamOutcome): void {
    // The client's own mistake says nothing about the key.
    if (outcome === "client_error") return;
    const failure = failureKindOf(outcome);
    this.buffer.add(this.options.now(), keyId, model, (counters) => {
      if (failure) counters.failures[failure] += 1;
      else counters.requests += 1;
    });
  }

  /** Tokens the upstream reported for an answer of this key. */
  tokens(
    keyId: string,
    model: string,
    tokens: { prompt: number; completion: number; reasoning: number; cached: number },
  ): void {
    this.buffer.add(this.options.now(), keyId, model, (counters) => {
      counters.promptTokens += tokens.prompt;
      counters.completionTokens += tokens.completion;
      counters.reasoningTokens += tokens.reasoning;
      counters.cachedTokens += tokens.cached;
    });
  }

  /**
   * What one request (or one key check) did upstream: each attempt's outcome for its key, and the
   * tokens of the answer for the key that served it.
   */
  upstreamWork(facts: Pick<RequestFacts, "outcomes" | "tokens" | "keyId" | "model">): void {
    for (const { keyId, model, outcome } of facts.outcomes ?? []) this.attempt(keyId, model, outcome);
    if (facts.tokens && facts.keyId !== undefined && facts.model !== undefined) {
      this.tokens(facts.keyId, facts.model, facts.tokens);
    }
  }

  /** A client request finished: its row goes into the log with the next flush. */
  request(entry: RequestLogEntry): void {
    this.pendingRows.push(entry);
    if (this.pendingRows.length > MAX_PENDING_LOG_ROWS) this.pendingRows.shift();
  }

  /** Hears each logged row once it is written (the live feed). */
  onRequest(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async history(query: HistoryQuery): Promise<HistoryAnswer> {
    await this.flush();
    return this.options.history.query(query);
  }

  /** Each key's counters since the last midnight Pacific (when Gemini's daily quotas reset). */
  async today(): Promise<Map<string, UsageCounters>> {
    await this.flush();
    return this.options.history.day(pacificDay(this.options.now()));
  }

  async requests(query: RequestLogQuery): Promise<RequestLogPage> {
    await this.flush();
    return this.options.requestLog.page(query);
  }

  /**
   * Writes everything gathered so far (the timer calls it every second; reads and shutdown too). One
   * write runs at a time, and calls made meanwhile share the one that follows it: a slow store (Redis
   * retrying through an outage) never piles up a queue of writes, one per second, for shutdown to wait on.
   */
  flush(): Promise<void> {
    if (this.nextFlush) return this.nextFlush;
    const next = this.flushing.then(() => {
      this.nextFlush = undefined;
      return this.flushOnce();
    });
    this.nextFlush = next;
    this.flushing = next;
    return next;
  }

  async close(): Promise<void> {
    if (this.closed) return this.flushing;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  private async flushOnce(): Promise<void> {
    const now = this.options.now();
    this.sampleAvailability(now);
    const entries = this.buffer.drain();
    const samples = this.pendingSamples;
    this.pendingSamples = [];
    if (this.currentSample) samples.push({ ...this.currentSample });
    const rows = this.pendingRows;
    this.pendingRows = [];

    try {
      await this.options.history.add(entries, samples);
    } catch (error) {
      this.restore(entries);
      this.options.logger.warn(
        { error: (error as Error).message },
        "could not save usage history; will retry",
      );
    }
    try {
      const ids = this.options.requestLog.append(rows);
      if (this.listeners.size > 0) {
        rows.forEach((entry, index) => {
          const row = { id: ids[index] ?? 0, ...entry, clientToken: entry.clientToken ?? null };
          for (const listener of this.listeners) listener(row);
        });
      }
    } catch (error) {
      this.pendingRows = [...rows, ...this.pendingRows].slice(-MAX_PENDING_LOG_ROWS);
      this.options.logger.warn(
        { error: (error as Error).message },
        "could not save the request log; will retry",
      );
    }
    if (now - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
      this.lastPruneAt = now;
      try {
        await this.options.history.prune(now - this.options.historyDays * DAY_MS);
      } catch (error) {
        this.options.logger.warn({ error: (error as Error).message }, "could not prune usage history");
      }
    }
  }

  /** Available keys once a minute: the fewest seen in each minute, so a short dip still shows. */
  private sampleAvailability(now: number): void {
    const minute = Math.floor(now / 60_000);
    const { available, total } = this.options.availability();
    const current = this.currentSample;
    if (current && current.minute === minute) {
      current.available = Math.min(current.available, available);
      current.total = Math.max(current.total, total);
      return;
    }
    if (current) this.pendingSamples.push(current);
    this.currentSample = { minute, available, total };
  }

  /** Entries a failed write did not save go back into the buffer, to be written with the next flush. */
  private restore(entries: readonly HistoryEntry[]): void {
    for (const entry of entries) {
      this.buffer.add(entry.hour * 3_600_000, entry.keyId, entry.model, (counters) =>
        addCounters(counters, entry.counters),
      );
    }
  }
}
