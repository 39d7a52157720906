import type { LimitUsage } from "../clients/client-limits.js";
import type { ClientToken } from "../clients/client-token.js";
import { ALL_MODELS, type KeyMemory } from "../keys/key-pool.js";
import { nextPacificMidnight, pacificDay } from "../keys/pacific-time.js";
import type { Logger } from "../observability/logger.js";
import { assertNever } from "../translate/assert-never.js";
import type { AlertEvent } from "./alert-event.js";
import type { AlertLatch } from "./alert-latch.js";

/** What the monitor reads of the key pool. */
export interface PoolView {
  exportMemory(): Record<string, KeyMemory>;
  recentModels(): string[];
}

/**
 * A rest this short is not a shortage: a per-minute limit's rest ends before anyone could act, and
 * counting it would flap an alert every minute under load.
 */
const SHORT_REST_MS = 60_000;
/** Rests end without any event; the pool is looked at this often too. */
const EVALUATE_INTERVAL_MS = 5_000;
/** Changes of the pool within this window are looked at together. */
const SETTLE_MS = 100;
const LEVELS = [80, 100] as const;

interface Condition {
  raise: AlertEvent;
  /** When it clears by itself, silently (a token's limits at the end of the day). */
  expiresAt?: number;
}

/** What the pool looks like now: its conditions by id, and the usable keys of each model looked at. */
interface PoolState {
  conditions: Map<string, Condition>;
  usable: Map<string, number>;
  total: number;
}

/**
 * Watches the pool and the client tokens' limits, off the request path, and alerts once per condition
 * until it clears:
 * - a key disabled by the pool (invalid, leaked, suspended, repeated failures; not by an administrator),
 *   then recovered;
 * - a model (one the pool was asked for lately, or resting) with `ALERT_MIN_AVAILABLE_KEYS` usable keys
 *   or fewer, then above it again;
 * - a model no key can serve (every key resting or disabled; with the time the first frees up), then
 *   served again;
 * - a client token at 80 % and 100 % of a limit, once per token, limit and level per Pacific day.
 * The latch makes replicas agree on who sends.
 */
export class AlertMonitor {
  private readonly active = new Map<string, Condition>();
  private readonly timer: NodeJS.Timeout;
  private pendingEvaluation: NodeJS.Timeout | undefined;
  private evaluating: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      pool: PoolView;
      /** `ALERT_MIN_AVAILABLE_KEYS`; 0 turns the low-keys alert off. */
      threshold: number;
      latch: AlertLatch;
      notify: (event: AlertEvent) => void;
      logger: Logger;
      now: () => number;
    },
  ) {
    this.timer = setInterval(() => this.poolChanged(), EVALUATE_INTERVAL_MS);
    this.timer.unref();
  }

  /** The pool changed: it is looked at shortly (changes in a burst together). */
  poolChanged(): void {
    if (this.pendingEvaluation) return;
    this.pendingEvaluation = setTimeout(() => {
      this.pendingEvaluation = undefined;
      this.evaluating = this.evaluating
        .then(() => this.evaluatePool())
        .catch((error: Error) => {
          this.options.logger.warn({ error: error.message }, "could not evaluate alert conditions");
        });
    }, SETTLE_MS);
    this.pendingEvaluation.unref();
  }

  /** A client token's counters changed (its request was admitted or refused, or its tokens counted). */
  tokenUsage(token: ClientToken, usage: readonly LimitUsage[]): void {
    const now = this.options.now();
    const day = pacificDay(now);
    for (const { kind, used, limit } of usage) {
      for (const percent of LEVELS) {
        if (used * 100 < limit * percent) continue;
        const id = `token:${token.name}:${kind}:${percent}:${day}`;
        if (this.active.has(id)) continue;
        const event: AlertEvent = {
          kind: "token_limit",
          token: token.name,
          limit: kind,
          percent,
          used: Math.min(used, limit),
          limitValue: limit,
        };
        const condition = { raise: event, expiresAt: nextPacificMidnight(now) };
        this.active.set(id, condition);
        void this.raise(id, condition);
      }
    }
  }

  /** Resolves once the conditions of the pool as it is now have been looked at (for tests and shutdown). */
  async settle(): Promise<void> {
    if (this.pendingEvaluation) {
      clearTimeout(this.pendingEvaluation);
      this.pendingEvaluation = undefined;
      this.evaluating = this.evaluating.then(() => this.evaluatePool());
    }
    await this.evaluating;
  }

  close(): void {
    clearInterval(this.timer);
    clearTimeout(this.pendingEvaluation);
  }

  private async evaluatePool(): Promise<void> {
    const now = this.options.now();
    for (const [id, condition] of this.active) {
      if (condition.expiresAt !== undefined && condition.expiresAt <= now) this.active.delete(id);
    }
    const state = poolState(this.options.pool, this.options.threshold, now, this.activeModels());
    for (const [id, condition] of state.conditions) {
      if (this.active.has(id)) continue;
      this.active.set(id, condition);
      await this.raise(id, condition);
    }
    for (const [id, condition] of [...this.active]) {
      if (!id.startsWith("pool:") || state.conditions.has(id)) continue;
      this.active.delete(id);
      const recovery = recoveryOf(condition.raise, state);
      if (recovery && (await this.latched(() => this.options.latch.clear(id)))) this.options.notify(recovery);
    }
  }

  /** Models of raised conditions, so that they are looked at until they clear. */
  private activeModels(): string[] {
    const models: string[] = [];
    for (const condition of this.active.values()) {
      if ("model" in condition.raise) models.push(condition.raise.model);
    }
    return models;
  }

  private async raise(id: string, condition: Condition): Promise<void> {
    if (await this.latched(() => this.options.latch.raise(id, condition.expiresAt))) {
      this.options.notify(condition.raise);
    }
  }

  /** Without the shared latch, this replica sends: a duplicate alert beats a lost one. */
  private async latched(change: () => Promise<boolean>): Promise<boolean> {
    try {
      return await change();
    } catch (error) {
      this.options.logger.warn(
        { error: (error as Error).message },
        "alert latch unavailable; sending anyway",
      );
      return true;
    }
  }
}

/** What a cleared condition says, with the pool's numbers of now. */
function recoveryOf(raised: AlertEvent, state: PoolState): AlertEvent | undefined {
  switch (raised.kind) {
    case "key_disabled":
      return { kind: "key_recovered", keyId: raised.keyId };
    case "keys_low":
      return { ...raised, kind: "keys_recovered", usable: state.usable.get(raised.model) ?? state.total };
    case "model_exhausted":
      return {
        kind: "model_available",
        model: raised.model,
        usable: state.usable.get(raised.model) ?? state.total,
      };
    case "key_recovered":
    case "keys_recovered":
    case "model_available":
    case "token_limit":
    case "test":
      return undefined;
    default:
      return assertNever(raised, "alert event");
  }
}

/** The pool's conditions now, by id. */
function poolState(
  pool: PoolView,
  threshold: number,
  now: number,
  extraModels: readonly string[],
): PoolState {
  const memories = Object.entries(pool.exportMemory());
  const conditions = new Map<string, Condition>();
  const usableByModel = new Map<string, number>();
  const models = new Set([...pool.recentModels(), ...extraModels]);
  for (const [keyId, memory] of memories) {
    const disabled = memory.disabled;
    if (disabled && disabled.kind !== "admin") {
      conditions.set(`pool:key:${keyId}`, {
        raise: { kind: "key_disabled", keyId, reason: disabled.reason },
      });
    }
    for (const model of Object.keys(memory.cooldowns)) if (model !== ALL_MODELS) models.add(model);
  }
  const total = memories.length;
  if (total === 0) return { conditions, usable: usableByModel, total };
  for (const model of models) {
    let usable = 0;
    let resetAt: number | undefined;
    for (const [, memory] of memories) {
      if (memory.disabled) continue;
      const rests = [memory.cooldowns[model]?.until ?? 0, memory.cooldowns[ALL_MODELS]?.until ?? 0];
      const until = Math.max(...rests);
      if (until - now < SHORT_REST_MS) usable += 1;
      else if (resetAt === undefined || until < resetAt) resetAt = until;
    }
    usableByModel.set(model, usable);
    if (threshold > 0 && usable <= threshold) {
      conditions.set(`pool:low:${model}`, { raise: { kind: "keys_low", model, usable, total, threshold } });
    }
    if (usable === 0) {
      conditions.set(`pool:none:${model}`, { raise: { kind: "model_exhausted", model, resetAt } });
    }
  }
  return { conditions, usable: usableByModel, total };
}
