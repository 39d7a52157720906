import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { withoutModelsPrefix } from "../gemini/model-id.js";
import type { KeyState } from "../keys/key-pool.js";
import { containsSecret } from "../secrets/secret-patterns.js";
import { noteTokens, noteUpstreamAttempt, noteUpstreamLatency, type TokenType } from "./request-context.js";
import type { UpstreamOutcome } from "./upstream-outcome.js";

export type { UpstreamOutcome };

/** The `model` label of calls that name no model (model lists), whose key pool entry is `*`. */
export const NO_MODEL_LABEL = "none";
/** The `model` label of a name that cannot be a label (too odd, too many, or a secret). */
export const OTHER_MODEL_LABEL = "other";
/** Distinct model labels kept; clients choose model names, so their number must be bounded. */
const MAX_MODEL_LABELS = 100;
/** Gemini model ids: lower case, digits, dots and dashes (`gemini-2.5-flash`, `gemini-3-pro-preview`). */
const MODEL_ID = /^[a-z0-9][a-z0-9.-]{0,79}$/;

export interface MetricsOptions {
  keyCounts: () => Record<KeyState, number>;
  /** prom-client's default process metrics (CPU, memory, event loop lag, handles). */
  defaultMetrics?: boolean;
}

/**
 * The metric families the README's monitoring section documents, in a registry of their own (one per
 * app, so tests can run several). Every label value passes through here: routes are patterns, models are bounded and
 * never a key, a prompt or a client token. Upstream attempts and tokens are also noted in the current
 * request's facts, for its log line (see request-context.ts).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly secrets: Array<() => Iterable<string | undefined>> = [];
  private readonly modelLabels = new Set<string>();

  private readonly httpRequestsCounter = new Counter({
    name: "gateway_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  private readonly httpDurationHistogram = new Histogram({
    name: "gateway_http_request_duration_seconds",
    help: "Time from request to the end of the response (a stream's last byte), by route pattern",
    labelNames: ["route"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  private readonly upstreamRequestsCounter = new Counter({
    name: "gateway_upstream_requests_total",
    help: "Upstream attempts, by model and outcome",
    labelNames: ["model", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly upstreamFirstByteHistogram = new Histogram({
    name: "gateway_upstream_first_byte_seconds",
    help: "Time until the upstream started answering (a whole JSON answer, or a stream's first event)",
    labelNames: ["model"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  private readonly failoversCounter = new Counter({
    name: "gateway_key_failovers_total",
    help: "Attempts moved to another key, by the reason the previous key failed",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  private readonly tokensCounter = new Counter({
    name: "gateway_tokens_total",
    help: "Tokens reported by the upstream, by model and type",
    labelNames: ["model", "type"] as const,
    registers: [this.registry],
  });

  readonly httpRequests = {
    inc: (labels: { method: string; route: string; status: string }): void => {
      this.httpRequestsCounter.inc(labels);
    },
  };

  readonly httpDuration = {
    observe: (labels: { route: string }, seconds: number): void => {
      this.httpDurationHistogram.observe(labels, seconds);
    },
  };

  /** One upstream attempt's outcome. */
  readonly upstreamRequests = {
    inc: (labels: { model: string; outcome: UpstreamOutcome }): void => {
      const model = this.modelLabel(labels.model);
      this.upstreamRequestsCounter.inc({ model, outcome: labels.outcome });
      noteUpstreamAttempt(model, labels.outcome);
    },
  };

  /** The successful attempt's time to first byte. */
  readonly upstreamFirstByte = {
    observe: (labels: { model: string }, seconds: number): void => {
      const model = this.modelLabel(labels.model);
      this.upstreamFirstByteHistogram.observe({ model }, seconds);
      noteUpstreamLatency(model, seconds);
    },
  };

  readonly failovers = {
    inc: (labels: { reason: string }): void => {
      this.failoversCounter.inc(labels);
    },
  };

  constructor(options: MetricsOptions) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "gateway_keys",
      help: "Keys by state (active, cooling, disabled)",
      labelNames: ["state"] as const,
      registers: [this.registry],
      // Read at scrape time, so the gauge is never stale.
      collect() {
        const counts = options.keyCounts();
        for (const state of ["active", "cooling", "disabled"] as const) this.set({ state }, counts[state]);
      },
    });
  }

  /** Strings that must never become a label value (the pool's keys, the gateway's tokens). */
  neverLabel(secrets: () => Iterable<string | undefined>): void {
    this.secrets.push(secrets);
  }

  countTokens(model: string, usage: Record<TokenType, number>): void {
    const label = this.modelLabel(model);
    for (const type of ["prompt", "completion", "reasoning", "cached"] as const) {
      if (usage[type] > 0) this.tokensCounter.inc({ model: label, type }, usage[type]);
    }
    noteTokens(label, usage);
  }

  /** Clients name the model, so its label is checked: a model id, not a secret, and not one too many. */
  modelLabel(model: string): string {
    const id = withoutModelsPrefix(model);
    if (id === "*" || id === "") return NO_MODEL_LABEL;
    if (this.modelLabels.has(id)) return id;
    if (!MODEL_ID.test(id) || this.isSecret(id)) return OTHER_MODEL_LABEL;
    if (this.modelLabels.size >= MAX_MODEL_LABELS) return OTHER_MODEL_LABEL;
    this.modelLabels.add(id);
    return id;
  }

  private isSecret(value: string): boolean {
    return containsSecret(
      value,
      this.secrets.map((source) => {
        const secrets = source();
        return Array.isArray(secrets) ? secrets : [...secrets];
      }),
    );
  }
}
