import type { KeyLease, KeyPool } from "../keys/key-pool.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { noteUpstreamKey } from "../observability/request-context.js";
import { ClientGoneError, type GeminiClient } from "../upstream/gemini-client.js";
import { UpstreamAttempt } from "../upstream/upstream-attempt.js";
import { UpstreamError } from "../upstream/upstream-error.js";
import { classifyUpstreamError, type Verdict } from "./classify-upstream-error.js";
import { type FailedAttempt, noKeyLeftError, policyFor } from "./rotation-policy.js";

export interface DispatcherOptions {
  pool: KeyPool;
  client: GeminiClient;
  metrics: Metrics;
  logger: Logger;
  /** At most this many keys are tried for one request. */
  maxAttempts: number;
  /** No new attempt starts once the request is this old. */
  deadlineMs?: number;
  /** Time allowed for one attempt's upstream to start answering. */
  requestTimeoutMs: number;
  /** The clock every key decision uses. */
  now?: () => number;
  /**
   * Runs before any key is given out for a request's call, and refuses it by throwing (a client
   * token's limits and allowed models).
   */
  admit?: (model: string | undefined) => Promise<void>;
}

export interface DispatchRequest {
  /** The model whose quota the call spends; undefined for calls that spend none (model lists). */
  model: string | undefined;
  signal: AbortSignal;
}

export interface Dispatched<T> {
  value: T;
  lease: KeyLease;
  attempts: number;
}

/**
 * The one retry loop every upstream call goes through (chat, embeddings, model lists, the native
 * passthrough, Google's compat layer). It asks the pool for a key, hands `attempt` the reads of that key
 * (`UpstreamAttempt`), and on an upstream failure lets the rotation policy decide (classified once,
 * told to the pool, counted once) and tries the next key, until an attempt succeeds, the client's own
 * mistake ends it, or no usable key is left. `attempt` resolves only once the upstream has answered
 * with success (for a stream, its first event), so nothing has reached the client before that. A stream
 * handed out by a read reports its own end or failure through the same policy.
 */
export class Dispatcher {
  private readonly now: () => number;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
  }

  async dispatch<T>(
    request: DispatchRequest,
    attempt: (upstream: UpstreamAttempt) => Promise<T>,
  ): Promise<Dispatched<T>> {
    const { pool, metrics } = this.options;
    await this.options.admit?.(request.model);
    const tried = new Set<string>();
    const startedAt = performance.now();
    const failures: FailedAttempt[] = [];

    for (let attempts = 1; attempts <= this.options.maxAttempts; attempts++) {
      if (request.signal.aborted) throw new ClientGoneError("client disconnected");
      const deadlineMs = this.options.deadlineMs;
      if (attempts > 1 && deadlineMs !== undefined && performance.now() - startedAt >= deadlineMs) break;
      const lease = pool.acquire(request.model, tried);
      if (!lease) break;
      tried.add(lease.id);
      const outcome = await this.attemptOn(lease, request, attempt, { what: "attempt", attempts });
      if (outcome.ok) return { value: outcome.value, lease, attempts };
      const { verdict, error } = outcome;
      if (verdict.kind === "client_error") throw verdict.error;
      metrics.failovers.inc({ reason: verdict.kind });
      failures.push({ verdict, error });
    }
    const keys = { size: pool.size, unavailability: pool.unavailability(request.model) };
    throw noKeyLeftError(keys, request.model, failures, this.now());
  }

  /**
   * One attempt on one named key, without moving on to another (an operator's key check): the same
   * reads, the same classification and rotation policy, the same pool updates and metrics as a request.
   */
  async attemptWithKey<T>(
    keyId: string,
    request: DispatchRequest,
    attempt: (upstream: UpstreamAttempt) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; verdict: Verdict }> {
    const lease = this.options.pool.leaseFor(keyId, request.model);
    if (!lease) throw new Error(`no key with id ${keyId}`);
    const outcome = await this.attemptOn(lease, request, attempt, { what: "key check" });
    return outcome.ok ? outcome : { ok: false, verdict: outcome.verdict };
  }

  /**
   * One attempt on a leased key, for a request and for a key check alike: the upstream's reads, the
   * first-byte time, success or failure told to the pool and counted once. An error that is not the
   * upstream's gives the key back untouched and is thrown on.
   */
  private async attemptOn<T>(
    lease: KeyLease,
    request: DispatchRequest,
    attempt: (upstream: UpstreamAttempt) => Promise<T>,
    label: { what: "attempt" | "key check"; attempts?: number },
  ): Promise<{ ok: true; value: T } | { ok: false; verdict: Verdict; error: UpstreamError }> {
    const { pool, metrics } = this.options;
    noteUpstreamKey(lease.id);
    const attemptStartedAt = performance.now();
    const upstream = new UpstreamAttempt(
      this.options.client,
      lease,
      { signal: request.signal, timeoutMs: this.options.requestTimeoutMs },
      {
        brokeAfterStart: (error) => {
          this.settle(lease, error, `${label.what} broke after it started`);
        },
        ended: () => metrics.upstreamRequests.inc({ model: lease.model, outcome: "ok" }),
      },
    );
    try {
      const value = await attempt(upstream);
      metrics.upstreamFirstByte.observe(
        { model: lease.model },
        (performance.now() - attemptStartedAt) / 1000,
      );
      pool.reportSuccess(lease);
      // A stream counts its outcome when it ends; anything else is over now.
      if (!upstream.settlesLater) metrics.upstreamRequests.inc({ model: lease.model, outcome: "ok" });
      return { ok: true, value };
    } catch (error) {
      if (!(error instanceof UpstreamError)) {
        pool.release(lease);
        throw error;
      }
      return { ok: false, verdict: this.settle(lease, error, `${label.what} failed`, label.attempts), error };
    }
  }

  /**
   * The one path of a failed attempt, before or after its answer started: classified once (on the
   * injected clock), applied to the key by the rotation policy, counted once, logged.
   */
  private settle(lease: KeyLease, error: UpstreamError, what: string, attempt?: number): Verdict {
    const verdict = classifyUpstreamError(error, { now: this.now() });
    const policy = policyFor(verdict);
    this.options.pool.reportFailure(lease, policy.consequence);
    this.options.metrics.upstreamRequests.inc({ model: lease.model, outcome: policy.outcome });
    this.options.logger.warn(
      {
        keyId: lease.id,
        model: lease.model,
        verdict: verdict.kind,
        status: error.status,
        ...(attempt === undefined ? {} : { attempt }),
        upstreamMessage: error.message,
      },
      `upstream ${what}: ${verdict.kind === "client_error" ? verdict.error.message : verdict.reason}`,
    );
    return verdict;
  }
}
