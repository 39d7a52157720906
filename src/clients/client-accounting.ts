import { pacificDay } from "../keys/pacific-time.js";
import type { Logger } from "../observability/logger.js";
import type { ClientRequest } from "../observability/request-context.js";
import type { LimitUsage } from "./client-limits.js";
import type { ClientMetrics, ClientOutcome } from "./client-metrics.js";
import type { ClientToken } from "./client-token.js";
import {
  addClientCounters,
  type ClientUsageEntry,
  type ClientUsageQuery,
  type ClientUsageStore,
  emptyClientCounters,
} from "./client-usage-store.js";

/** One finished request of a client token, as the request's observer reports it. */
export interface ClientRequestEnd {
  client: ClientRequest;
  /** The model label (bounded), or null when the request named none. */
  model: string | null;
  status: number;
  tokens: { prompt: number; completion: number; reasoning: number; cached: number } | undefined;
}

const FLUSH_INTERVAL_MS = 1_000;
const DAY_MS = 86_400_000;
/** Entries kept in memory while the store refuses them; beyond it the oldest go. */
const MAX_PENDING_ENTRIES = 50_000;

/**
 * Each client token's requests and tokens per Pacific day and model: counted in memory as requests
 * end, written in one batch a second (nothing a request does waits on the store), in the metrics at
 * once, and the day's tokens added to the token's daily limit.
 */
export class ClientAccounting {
  private pending = new Map<string, ClientUsageEntry>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private lastPruneDay = "";

  constructor(
    private readonly options: {
      store: ClientUsageStore;
      metrics: ClientMetrics;
      tokens: { get(name: string): ClientToken | undefined };
      limits: { addTokens(token: ClientToken, tokens: number): Promise<LimitUsage | undefined> };
      onUsage: (token: ClientToken, usage: readonly LimitUsage[]) => void;
      historyDays: number;
      logger: Logger;
      now: () => number;
    },
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  requestEnded(end: ClientRequestEnd): void {
    const { client } = end;
    const refused = client.refused !== undefined;
    const outcome: ClientOutcome =
      client.refused === "limit"
        ? "refused_limit"
        : client.refused === "model"
          ? "refused_model"
          : end.status < 400
            ? "ok"
            : "error";
    this.options.metrics.request(client.name, outcome);
    // A request that never reached the pool (a bad body, a bad model name) spent nothing of the token's.
    if (!refused && !client.admitted) return;
    const day = pacificDay(this.options.now());
    const model = end.model ?? "none";
    const id = `${day}\n${client.name}\n${model}`;
    let entry = this.pending.get(id);
    if (!entry) {
      entry = { day, token: client.name, model, counters: emptyClientCounters() };
      this.pending.set(id, entry);
      if (this.pending.size > MAX_PENDING_ENTRIES) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
    }
    if (refused) {
      entry.counters.refused += 1;
      return;
    }
    entry.counters.requests += 1;
    const tokens = end.tokens;
    if (!tokens) return;
    entry.counters.promptTokens += tokens.prompt;
    entry.counters.completionTokens += tokens.completion;
    entry.counters.reasoningTokens += tokens.reasoning;
    entry.counters.cachedTokens += tokens.cached;
    this.options.metrics.countTokens(client.name, tokens);
    const token = this.options.tokens.get(client.name);
    // Completion includes the thoughts (the engine's usage arithmetic): prompt + completion is the total.
    const total = tokens.prompt + tokens.completion;
    if (token && total > 0) {
      this.options.limits
        .addTokens(token, total)
        .then((usage) => {
          if (usage) this.options.onUsage(token, [usage]);
        })
        .catch((error: Error) =>
          this.options.logger.warn(
            { tokenName: client.name, error: error.message },
            "could not count a client token's tokens against its daily limit",
          ),
        );
    }
  }

  /** Usage per day, token and model (everything recorded so far included). */
  async usage(query: ClientUsageQuery): Promise<ClientUsageEntry[]> {
    await this.flush();
    return this.options.store.query(query);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async flushOnce(): Promise<void> {
    const entries = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.options.store.add(entries);
    } catch (error) {
      for (const entry of entries) {
        const id = `${entry.day}\n${entry.token}\n${entry.model}`;
        const kept = this.pending.get(id);
        if (kept) addClientCounters(kept.counters, entry.counters);
        else this.pending.set(id, entry);
      }
      this.options.logger.warn(
        { error: (error as Error).message },
        "could not save client-token usage; will retry",
      );
    }
    const today = pacificDay(this.options.now());
    if (today !== this.lastPruneDay) {
      this.lastPruneDay = today;
      try {
        await this.options.store.prune(pacificDay(this.options.now() - this.options.historyDays * DAY_MS));
      } catch (error) {
        this.options.logger.warn({ error: (error as Error).message }, "could not prune client-token usage");
      }
    }
  }
}
