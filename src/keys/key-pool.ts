import { withoutModelsPrefix } from "../gemini/model-id.js";
import type { KeyConsequence } from "./key-consequence.js";
import { keyIdOf, maskKey } from "./key-identity.js";
import type { KeyEntry } from "./load-keys.js";
import { pacificDay } from "./pacific-time.js";
import { RetiredKeyMemory } from "./retired-key-memory.js";

export type KeyState = "active" | "cooling" | "disabled";
export type KeySource = "file" | "admin";

/** A cooldown that applies to every model. */
export const ALL_MODELS = "*";

export interface Cooldown {
  until: number;
  reason: string;
  kind: "rate_limited" | "quota_exhausted";
}

export interface Disablement {
  kind: "invalid" | "failures" | "admin";
  reason: string;
  since: number;
  /** For `failures`: when the key may be tried again by one probing request. */
  probeAt?: number;
  failedProbes?: number;
}

export interface KeyUsage {
  /** The Los Angeles calendar day the counters belong to. */
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** Everything about a key that is worth keeping across restarts. */
export interface KeyMemory {
  failureCount: number;
  disabled?: Disablement;
  cooldowns: Record<string, Cooldown>;
  /** Consecutive 429s without details, per model, to lengthen their rest. */
  unspecifiedRateLimits: Record<string, number>;
  lastUsed?: number;
  lastError?: string;
  usage: KeyUsage;
}

interface KeyRecord {
  readonly id: string;
  readonly key: string;
  readonly proxy: string | undefined;
  readonly source: KeySource;
  memory: KeyMemory;
  probeInFlight: boolean;
}

/** A key handed to one attempt of one request. */
export interface KeyLease {
  readonly id: string;
  readonly key: string;
  readonly proxy: string | undefined;
  readonly model: string;
  /** The key was disabled after repeated failures and this attempt checks whether it recovered. */
  readonly probe: boolean;
}

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
}

export interface KeyStatus {
  id: string;
  key: string;
  source: KeySource;
  isAvailable: boolean;
  state: KeyState;
  stateReason: string;
  failureCount: number;
  lastUsed: string | null;
  lastError: string | null;
  requests: number;
  tokens: { prompt: number; completion: number };
  cooldowns: Array<{ model: string; until: string; reason: string }>;
  disabledReason: string | null;
  nextProbeAt: string | null;
}

/** How many keys are in each state, and how many serve every model now. */
export type PoolCounts = Record<KeyState, number> & { available: number };

export interface Unavailability {
  /** The earliest moment a key frees up for the model, when one will. */
  retryAt: number | undefined;
  /** Every key that could serve is resting until the daily reset or longer. */
  spentForDay: boolean;
  /** Every key is disabled (or there is none): invalid, by an administrator, or after repeated failures. */
  allDisabled: boolean;
  /** When a key disabled after repeated failures will next be tried by a probe, if any will. */
  nextProbeAt: number | undefined;
}

export interface KeyPoolOptions {
  maxFailures: number;
  now?: () => number;
  /**
   * Called after every change worth saving: with the key's id, or without one when many changed;
   * `"counters"` when only the key's usage counters and last use moved (an ordinary success).
   */
  onChange?: (keyId?: string, change?: KeyChange) => void;
}

/** What changed of a key: its state (a rest, a disablement, a failure…) or only what it counts. */
export type KeyChange = "state" | "counters";

const FIRST_PROBE_DELAY_MS = 60_000;
/** Round-robin positions kept, one per model recently asked for. */
const MAX_CURSORS = 256;
const MAX_PROBE_DELAY_MS = 60 * 60_000;
const FIRST_UNSPECIFIED_REST_MS = 2_000;
const MAX_UNSPECIFIED_REST_MS = 60_000;

/** What is known of a key never used: nothing but today's empty counters. */
export function freshMemory(now: number): KeyMemory {
  return {
    failureCount: 0,
    cooldowns: {},
    unspecifiedRateLimits: {},
    usage: { day: pacificDay(now), requests: 0, promptTokens: 0, completionTokens: 0 },
  };
}

/** Gemini model ids arrive as `gemini-2.5-pro` or `models/gemini-2.5-pro`; quotas are per model. */
export function normalizeModel(model: string | undefined): string {
  if (!model) return ALL_MODELS;
  return withoutModelsPrefix(model);
}

/**
 * The keys and what is known about each: per-model cooldowns, disablement, failure counts, usage.
 * Selection is round-robin over the keys usable for a model now; it is synchronous, so concurrent
 * requests in one process never pick from a stale view.
 */
export class KeyPool {
  private records: KeyRecord[] = [];
  /** The same records by id: a request's outcome finds its key without a scan of the pool. */
  private byId = new Map<string, KeyRecord>();
  /** The same records ordered by id, for pages of `/status` that stay in order across key changes. */
  private inIdOrder: KeyRecord[] = [];
  /** One round-robin position per model: quotas are per model, so each model's load spreads over every key. */
  private readonly cursors = new Map<string, number>();
  private latestModel: string | undefined;
  private secretList: readonly string[] | undefined;
  private readonly maxFailures: number;
  private readonly now: () => number;
  private readonly onChange: (keyId?: string, change?: KeyChange) => void;
  private readonly retired = new RetiredKeyMemory<KeyMemory>();
  /**
   * Bumped by every change that can make a key usable or not, or change its state (a rest, a
   * disablement, a probe taken or given back, a failure or the first success after one, the key set);
   * not by an ordinary success, which only counts. What is derived from the whole pool is kept while
   * it stays the same.
   */
  private version = 0;
  private cachedCounts: { version: number; validUntil: number; counts: PoolCounts } | undefined;
  /** Per model: nothing is usable before `until` unless the version changes (a request then fails at once). */
  private readonly exhausted = new Map<string, { version: number; until: number }>();
  /** Per model: the last `unavailability` answer, good while nothing changes and no rest ends. */
  private readonly unavailable = new Map<
    string,
    { version: number; until: number; answer: Unavailability }
  >();

  constructor(options: KeyPoolOptions) {
    this.maxFailures = options.maxFailures;
    this.now = options.now ?? Date.now;
    this.onChange = options.onChange ?? (() => {});
  }

  get size(): number {
    return this.records.length;
  }

  ids(): string[] {
    return this.records.map((record) => record.id);
  }

  /**
   * Every key the pool holds, for redaction. The same array until the key set changes, so what is
   * derived from it (src/secrets/secret-patterns.ts) is computed once per key set.
   */
  secrets(): readonly string[] {
    this.secretList ??= Object.freeze(this.records.map((record) => record.key));
    return this.secretList;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Replaces the key set, keeping the state of keys that stay. A key that comes back within a day of
   * its removal gets its state back (a spent daily quota stays spent). Answers which key ids were
   * added and removed.
   */
  setKeys(entries: ReadonlyArray<KeyEntry & { source: KeySource }>): { added: string[]; removed: string[] } {
    const previous = new Map(this.records.map((record) => [record.key, record]));
    const now = this.now();
    const next: KeyRecord[] = [];
    const added: string[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      const kept = previous.get(entry.key);
      if (kept && kept.proxy === entry.proxy && kept.source === entry.source) {
        next.push(kept);
        continue;
      }
      const id = keyIdOf(entry.key);
      if (!kept) added.push(id);
      next.push({
        id,
        key: entry.key,
        proxy: entry.proxy,
        source: entry.source,
        memory: kept?.memory ?? this.retired.takeBack(entry.key, now) ?? freshMemory(now),
        probeInFlight: false,
      });
    }
    const removedRecords = this.records.filter((record) => !seen.has(record.key));
    for (const record of removedRecords) this.retired.keep(record.key, record.memory, now);
    const removed = removedRecords.map((record) => record.id);
    this.records = next;
    this.byId = new Map(next.map((record) => [record.id, record]));
    this.inIdOrder = [...next].sort((first, second) => (first.id < second.id ? -1 : 1));
    this.secretList = undefined;
    this.cursors.clear();
    this.changed();
    if (added.length > 0 || removed.length > 0) this.onChange();
    return { added, removed };
  }

  /**
   * Picks the next key usable for `model` now, skipping `exclude` (keys this request already tried).
   * Round-robin from where the model's last pick stopped, so with most keys usable a pick looks at one
   * or two; when none is, the pool remembers until when, and requests fail at once until then or until
   * something changes.
   */
  acquire(model: string | undefined, exclude: ReadonlySet<string> = new Set()): KeyLease | undefined {
    const count = this.records.length;
    const modelKey = normalizeModel(model);
    const now = this.now();
    const exhausted = this.exhausted.get(modelKey);
    if (exhausted && exhausted.version === this.version && now < exhausted.until) return undefined;
    const cursor = this.cursors.get(modelKey) ?? 0;
    let nextChance = Number.POSITIVE_INFINITY;
    for (let step = 0; step < count; step++) {
      const index = (cursor + step) % count;
      const record = this.records[index];
      if (!record || exclude.has(record.id)) continue;
      const usable = this.usability(record, modelKey, now);
      if (usable === "no") {
        nextChance = Math.min(nextChance, this.usableFrom(record, modelKey, now));
        continue;
      }
      this.moveCursor(modelKey, (index + 1) % count);
      if (usable === "probe") {
        record.probeInFlight = true;
        this.changed();
      }
      return {
        id: record.id,
        key: record.key,
        proxy: record.proxy,
        model: modelKey,
        probe: usable === "probe",
      };
    }
    // Keys a request already tried may serve another one: only a search over every key is remembered.
    if (exclude.size === 0) {
      if (this.exhausted.size >= MAX_CURSORS) this.exhausted.clear();
      this.exhausted.set(modelKey, { version: this.version, until: nextChance });
    }
    return undefined;
  }

  /** When a key that is not usable now may become usable without any change but time passing. */
  private usableFrom(record: KeyRecord, model: string, now: number): number {
    const { cooldowns, disabled } = record.memory;
    let restEnds = 0;
    for (const cooldown of [cooldowns[model], cooldowns[ALL_MODELS]]) {
      if (cooldown && cooldown.until > now) restEnds = Math.max(restEnds, cooldown.until);
    }
    if (!disabled) return restEnds;
    if (disabled.kind !== "failures" || record.probeInFlight || disabled.probeAt === undefined) {
      return Number.POSITIVE_INFINITY;
    }
    return Math.max(disabled.probeAt, restEnds);
  }

  private changed(): void {
    this.version += 1;
  }

  /**
   * A number that changes whenever any key's state, rest, disablement or the key set changes (an
   * ordinary success, which only counts, leaves it), and the pool's clock: what a cache of pool views
   * needs.
   */
  get stateVersion(): number {
    return this.version;
  }

  get clock(): () => number {
    return this.now;
  }

  /** The models asked of the pool lately (at most `MAX_CURSORS`), least recently first. */
  recentModels(): string[] {
    return [...this.cursors.keys()].filter((model) => model !== ALL_MODELS);
  }

  /**
   * Clients name models, so the cursors are bounded: past `MAX_CURSORS` models the least recently used
   * cursor goes (that model's next request starts again at the first key, which is harmless).
   */
  private moveCursor(model: string, position: number): void {
    // Already the most recent: setting keeps its place (a delete and insert per pick costs a rehash now and then).
    if (this.latestModel === model && this.cursors.has(model)) {
      this.cursors.set(model, position);
      return;
    }
    this.latestModel = model;
    if (this.cursors.has(model)) this.cursors.delete(model);
    else if (this.cursors.size >= MAX_CURSORS) {
      const oldest = this.cursors.keys().next();
      if (!oldest.done) this.cursors.delete(oldest.value);
    }
    this.cursors.set(model, position);
  }

  /**
   * A lease on one named key whatever its state, for an operator's check of that key: its outcome is
   * reported like any attempt's, so the pool learns from it as from a real request.
   */
  leaseFor(id: string, model: string | undefined): KeyLease | undefined {
    const record = this.find(id);
    if (!record) return undefined;
    return { id: record.id, key: record.key, proxy: record.proxy, model: normalizeModel(model), probe: true };
  }

  private usability(record: KeyRecord, model: string, now: number): "yes" | "probe" | "no" {
    const { disabled } = record.memory;
    if (disabled) {
      if (disabled.kind !== "failures" || record.probeInFlight) return "no";
      if (disabled.probeAt === undefined || now < disabled.probeAt) return "no";
    }
    if (this.activeCooldown(record, model, now)) return "no";
    return disabled ? "probe" : "yes";
  }

  private activeCooldown(record: KeyRecord, model: string, now: number): Cooldown | undefined {
    const { cooldowns } = record.memory;
    const forModel = cooldowns[model];
    if (forModel && forModel.until > now) return forModel;
    const forAll = cooldowns[ALL_MODELS];
    if (forAll && forAll.until > now) return forAll;
    return undefined;
  }

  /** Why nothing could be acquired for `model`, and when something will free up. */
  unavailability(model: string | undefined): Unavailability {
    const modelKey = normalizeModel(model);
    const now = this.now();
    const cached = this.unavailable.get(modelKey);
    if (cached && cached.version === this.version && now < cached.until) return { ...cached.answer };
    const answer = this.findUnavailability(modelKey, now);
    if (this.unavailable.size >= MAX_CURSORS) this.unavailable.clear();
    // Until the first rest or probe time comes, only a change can alter the answer.
    this.unavailable.set(modelKey, {
      version: this.version,
      until: Math.min(
        answer.retryAt ?? Number.POSITIVE_INFINITY,
        answer.nextProbeAt ?? Number.POSITIVE_INFINITY,
      ),
      answer,
    });
    return { ...answer };
  }

  private findUnavailability(modelKey: string, now: number): Unavailability {
    let retryAt: number | undefined;
    let nextProbeAt: number | undefined;
    let allDisabled = true;
    let spentForDay = true;
    for (const record of this.records) {
      const { disabled } = record.memory;
      if (disabled) {
        // A key disabled after repeated failures is tried again by one probe; the others wait for people.
        if (disabled.kind === "failures" && disabled.probeAt !== undefined) {
          const probeAt = Math.max(disabled.probeAt, this.activeCooldown(record, modelKey, now)?.until ?? 0);
          if (nextProbeAt === undefined || probeAt < nextProbeAt) nextProbeAt = probeAt;
        }
        continue;
      }
      allDisabled = false;
      const cooldown = this.activeCooldown(record, modelKey, now);
      if (cooldown?.kind !== "quota_exhausted") spentForDay = false;
      if (cooldown && (retryAt === undefined || cooldown.until < retryAt)) retryAt = cooldown.until;
    }
    // A probe may free a key before any rest ends; and while one can come back, the day is not over.
    if (nextProbeAt !== undefined && (retryAt === undefined || nextProbeAt < retryAt)) retryAt = nextProbeAt;
    return {
      retryAt,
      spentForDay: !allDisabled && spentForDay && nextProbeAt === undefined,
      allDisabled,
      nextProbeAt,
    };
  }

  reportSuccess(lease: KeyLease, tokens?: TokenCounts): void {
    const record = this.find(lease.id);
    if (!record) return;
    const memory = record.memory;
    const now = this.now();
    // A key disabled as invalid is never tried by a request; when an operator's check of it succeeds
    // (the key was fixed on Google's side), it serves again. A key an operator disabled stays so.
    const revived =
      memory.disabled?.kind === "failures" || (lease.probe && memory.disabled?.kind === "invalid");
    // A success after failures changes how the key is described, not only its counters.
    const stateChanged =
      revived ||
      record.probeInFlight ||
      memory.failureCount > 0 ||
      memory.unspecifiedRateLimits[lease.model] !== undefined;
    if (stateChanged) this.changed();
    record.probeInFlight = false;
    if (revived) delete memory.disabled;
    memory.failureCount = 0;
    delete memory.unspecifiedRateLimits[lease.model];
    memory.lastUsed = now;
    const usage = this.currentUsage(memory, now);
    usage.requests += 1;
    if (tokens) {
      usage.promptTokens += tokens.promptTokens;
      usage.completionTokens += tokens.completionTokens;
    }
    this.onChange(record.id, stateChanged ? "state" : "counters");
  }

  /** Adds tokens learnt after the success was reported (a stream's usage arrives at its end). */
  recordTokens(keyId: string, tokens: TokenCounts): void {
    const record = this.find(keyId);
    if (!record) return;
    const usage = this.currentUsage(record.memory, this.now());
    usage.promptTokens += tokens.promptTokens;
    usage.completionTokens += tokens.completionTokens;
    this.onChange(record.id, "counters");
  }

  /** Applies what the rotation policy decided a failed attempt means for its key. */
  reportFailure(lease: KeyLease, consequence: KeyConsequence): void {
    const record = this.find(lease.id);
    if (!record) return;
    const memory = record.memory;
    const now = this.now();
    record.probeInFlight = false;
    memory.lastUsed = now;
    this.changed();
    switch (consequence.kind) {
      case "rest":
        memory.cooldowns[lease.model] = {
          until: consequence.until,
          reason: consequence.reason,
          kind: consequence.cause,
        };
        memory.lastError = consequence.reason;
        break;
      case "rest_growing": {
        const streak = (memory.unspecifiedRateLimits[lease.model] ?? 0) + 1;
        memory.unspecifiedRateLimits[lease.model] = streak;
        const rest = Math.min(FIRST_UNSPECIFIED_REST_MS * 2 ** (streak - 1), MAX_UNSPECIFIED_REST_MS);
        memory.cooldowns[lease.model] = {
          until: now + rest,
          reason: consequence.reason,
          kind: "rate_limited",
        };
        memory.lastError = consequence.reason;
        break;
      }
      case "disable":
        memory.disabled = { kind: "invalid", reason: consequence.reason, since: now };
        memory.lastError = consequence.reason;
        break;
      case "count_failure":
        memory.lastError = consequence.reason;
        this.countFailure(record, now);
        break;
      case "note":
        memory.lastError = consequence.reason;
        break;
      case "nothing":
        // A probe that ended this way proved nothing either: it may be tried again at once.
        break;
      default: {
        const unexpected: never = consequence;
        throw new Error(`unhandled key consequence ${JSON.stringify(unexpected)}`);
      }
    }
    this.onChange(record.id);
  }

  /** The request ended before the attempt finished (client went away): release a probe slot. */
  release(lease: KeyLease): void {
    const record = this.find(lease.id);
    if (record?.probeInFlight) {
      record.probeInFlight = false;
      this.changed();
    }
  }

  private countFailure(record: KeyRecord, now: number): void {
    const memory = record.memory;
    if (memory.disabled?.kind === "failures") {
      // A failed probe: wait longer before the next one.
      const failedProbes = (memory.disabled.failedProbes ?? 0) + 1;
      memory.disabled = {
        ...memory.disabled,
        failedProbes,
        probeAt: now + Math.min(FIRST_PROBE_DELAY_MS * 2 ** failedProbes, MAX_PROBE_DELAY_MS),
      };
      return;
    }
    memory.failureCount += 1;
    if (memory.failureCount >= this.maxFailures && !memory.disabled) {
      memory.disabled = {
        kind: "failures",
        reason: `${memory.failureCount} consecutive failures (last: ${memory.lastError ?? "unknown"})`,
        since: now,
        probeAt: now + FIRST_PROBE_DELAY_MS,
        failedProbes: 0,
      };
    }
  }

  /** Every key back to active, counters cleared. */
  reset(): void {
    const now = this.now();
    for (const record of this.records) {
      const usage = record.memory.usage;
      record.memory = { ...freshMemory(now), usage };
      record.probeInFlight = false;
    }
    this.changed();
    this.onChange();
  }

  enable(id: string): boolean {
    const record = this.find(id);
    if (!record) return false;
    delete record.memory.disabled;
    record.memory.failureCount = 0;
    record.memory.cooldowns = {};
    record.memory.unspecifiedRateLimits = {};
    record.probeInFlight = false;
    this.changed();
    this.onChange(record.id);
    return true;
  }

  disable(id: string, reason = "disabled by an administrator"): boolean {
    const record = this.find(id);
    if (!record) return false;
    record.memory.disabled = { kind: "admin", reason, since: this.now() };
    this.changed();
    this.onChange(record.id);
    return true;
  }

  /** Keys and what is known about each, for `/status` (masked, never the key itself). */
  status(): KeyStatus[] {
    const now = this.now();
    return this.records.map((record) => this.statusOf(record, now));
  }

  /** The named keys that the pool holds, in the order asked (a few keys cost a few lookups, not a scan). */
  statusOfIds(ids: Iterable<string>): KeyStatus[] {
    const now = this.now();
    const result: KeyStatus[] = [];
    for (const id of new Set(ids)) {
      const record = this.byId.get(id);
      if (record) result.push(this.statusOf(record, now));
    }
    return result;
  }

  /**
   * Up to `limit` keys in id order after the key `after` (which may have been removed since), only
   * those in `state` if given; `more` says whether any key follows. Looks at the keys from `after` on
   * only as far as it needs to.
   */
  statusPage(options: { state?: KeyState; after?: string; limit: number }): {
    keys: KeyStatus[];
    more: boolean;
  } {
    const now = this.now();
    const { state, after, limit } = options;
    let index = 0;
    if (after !== undefined) {
      let high = this.inIdOrder.length;
      while (index < high) {
        const middle = (index + high) >>> 1;
        if ((this.inIdOrder[middle] as KeyRecord).id <= after) index = middle + 1;
        else high = middle;
      }
    }
    const keys: KeyStatus[] = [];
    for (; index < this.inIdOrder.length; index++) {
      const record = this.inIdOrder[index] as KeyRecord;
      if (state !== undefined && this.stateOf(record, now) !== state) continue;
      if (keys.length === limit) return { keys, more: true };
      keys.push(this.statusOf(record, now));
    }
    return { keys, more: false };
  }

  private statusOf(record: KeyRecord, now: number): KeyStatus {
    const memory = record.memory;
    const cooldowns = Object.entries(memory.cooldowns)
      .filter(([, cooldown]) => cooldown.until > now)
      .map(([model, cooldown]) => ({
        model,
        until: new Date(cooldown.until).toISOString(),
        reason: cooldown.reason,
      }));
    const state = this.stateOf(record, now);
    const usage = this.currentUsage(memory, now);
    return {
      id: record.id,
      key: maskKey(record.key),
      source: record.source,
      isAvailable: !memory.disabled && !this.activeCooldown(record, ALL_MODELS, now),
      state,
      stateReason: describeState(state, memory, cooldowns),
      failureCount: memory.failureCount,
      lastUsed: memory.lastUsed === undefined ? null : new Date(memory.lastUsed).toISOString(),
      lastError: memory.lastError ?? null,
      requests: usage.requests,
      tokens: { prompt: usage.promptTokens, completion: usage.completionTokens },
      cooldowns,
      disabledReason: memory.disabled?.reason ?? null,
      nextProbeAt:
        memory.disabled?.probeAt === undefined ? null : new Date(memory.disabled.probeAt).toISOString(),
    };
  }

  private stateOf(record: KeyRecord, now: number): KeyState {
    if (record.memory.disabled) return "disabled";
    const cooling = Object.values(record.memory.cooldowns).some((cooldown) => cooldown.until > now);
    return cooling ? "cooling" : "active";
  }

  /**
   * How many keys are in each state, for `/health`, `/status` and the `gateway_keys` gauge. Counted
   * once and kept until something changes a key's state or the first rest ends, so a caller polling it
   * under load costs nothing noticeable, and the answer is never stale.
   */
  counts(): PoolCounts {
    const now = this.now();
    const cached = this.cachedCounts;
    if (cached && cached.version === this.version && now < cached.validUntil) return { ...cached.counts };
    const counts = { active: 0, cooling: 0, disabled: 0, available: 0 };
    let validUntil = Number.POSITIVE_INFINITY;
    for (const record of this.records) {
      counts[this.stateOf(record, now)] += 1;
      if (!record.memory.disabled && !this.activeCooldown(record, ALL_MODELS, now)) counts.available += 1;
      for (const cooldown of Object.values(record.memory.cooldowns)) {
        if (cooldown.until > now && cooldown.until < validUntil) validUntil = cooldown.until;
      }
    }
    this.cachedCounts = { version: this.version, validUntil, counts };
    return { ...counts };
  }

  /** When the first rest now running ends (states change with time alone then); infinity when none does. */
  nextRestEnd(): number {
    this.counts();
    return this.cachedCounts?.validUntil ?? Number.POSITIVE_INFINITY;
  }

  /** The memory of every key, by id (expired cooldowns dropped), for the alert monitor's look at the pool. */
  exportMemory(): Record<string, KeyMemory> {
    const now = this.now();
    const result: Record<string, KeyMemory> = {};
    for (const record of this.records) {
      const cooldowns = Object.fromEntries(
        Object.entries(record.memory.cooldowns).filter(([, cooldown]) => cooldown.until > now),
      );
      result[record.id] = { ...record.memory, cooldowns };
    }
    return result;
  }

  /**
   * What is known of one key as JSON, to save it or share it with other replicas: serialized straight
   * from the live state (a copy first cost as much again, once per request with a large pool).
   */
  memoryJsonOf(id: string): string | undefined {
    const memory = this.find(id)?.memory;
    return memory ? JSON.stringify(memory) : undefined;
  }

  /** Restores what was remembered of keys that are still configured. */
  importMemory(memories: Readonly<Record<string, KeyMemory>>): void {
    for (const record of this.records) {
      const memory = memories[record.id];
      if (memory) record.memory = structuredClone(memory);
    }
    this.changed();
  }

  private currentUsage(memory: KeyMemory, now: number): KeyUsage {
    const today = pacificDay(now);
    if (memory.usage.day !== today)
      memory.usage = { day: today, requests: 0, promptTokens: 0, completionTokens: 0 };
    return memory.usage;
  }

  private find(id: string): KeyRecord | undefined {
    return this.byId.get(id);
  }
}

function describeState(
  state: KeyState,
  memory: KeyMemory,
  cooldowns: ReadonlyArray<{ model: string; until: string; reason: string }>,
): string {
  switch (state) {
    case "active":
      return memory.failureCount > 0
        ? `serving; ${memory.failureCount} recent failure(s) in a row`
        : "serving requests";
    case "cooling":
      return cooldowns
        .map((cooldown) =>
          cooldown.model === ALL_MODELS
            ? `resting for every model until ${cooldown.until}: ${cooldown.reason}`
            : `resting for ${cooldown.model} until ${cooldown.until}: ${cooldown.reason}`,
        )
        .join("; ");
    case "disabled": {
      const disabled = memory.disabled;
      if (!disabled) return "disabled";
      if (disabled.kind === "failures") {
        return `disabled after repeated failures (${disabled.reason}); tried again automatically${
          disabled.probeAt ? ` at ${new Date(disabled.probeAt).toISOString()}` : ""
        }`;
      }
      if (disabled.kind === "admin") return `disabled by an administrator: ${disabled.reason}`;
      return `disabled: ${disabled.reason}; replace the key, then reload or reset`;
    }
    default: {
      const unexpected: never = state;
      return String(unexpected);
    }
  }
}
